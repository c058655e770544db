"""Tests for evaluation.notice, evaluation.standstill and evaluation.paper: draft award notices."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pandas as pd
import pytest
from conftest import edit, rename_proposal
from fakes import fake_run, unseal

from evaluation.common.ids import UnsafePathError
from evaluation.common.markup import escape_markdown as md_escape
from evaluation.paperwork.notice import NoticeError, build_notice, open_run, write_notices
from evaluation.paperwork.paper import Document, render_html, render_markdown
from evaluation.process.standstill import standstill_end

DAY = dt.date(2026, 12, 15)  # + 10 days = Christmas Day, a Friday
SCRIPT = "<script>alert(1)</script>"


@pytest.mark.parametrize(("sent", "days", "end", "skipped"), [
    (dt.date(2026, 12, 15), 10, dt.date(2026, 12, 28), 3),  # 25th, 26th (Sat), 27th (Sun)
    (dt.date(2026, 11, 23), 10, dt.date(2026, 12, 3), 0),  # a Thursday: no move
    (dt.date(2026, 11, 25), 10, dt.date(2026, 12, 7), 2),  # Saturday → Monday
    (dt.date(2026, 5, 7), 10, dt.date(2026, 5, 18), 1),  # 17 May, a Sunday
    (dt.date(2026, 3, 24), 10, dt.date(2026, 4, 7), 4),  # 3 April Good Friday … Easter Monday
    (dt.date(2026, 5, 4), 10, dt.date(2026, 5, 15), 1),  # 14 May, Ascension Day
])
def test_standstill_moves_past_weekends_and_norwegian_holidays(sent, days, end, skipped):
    result = standstill_end(sent, days)
    assert end == result.end
    assert skipped == len(result.skipped)
    assert sent + dt.timedelta(days=days) == result.nominal_end


def test_standstill_calendar_days_rule_and_explanation():
    assert dt.date(2026, 12, 25) == standstill_end(DAY, 10, "calendar-days").end
    text = standstill_end(DAY, 10).explain("nb")
    assert "Første juledag" in text and "mandag 28.12.2026" in text and "lørdag" in text
    text = standstill_end(DAY, 10).explain("en")
    assert "Christmas Day" in text and "Monday 2026-12-28" in text
    assert "not verified" in text
    with pytest.raises(ValueError, match="unknown standstill rule"):
        standstill_end(DAY, 10, "banking-days")


def test_renderers_escape_every_string():
    doc = Document(SCRIPT, "en")
    for kind in ("h1", "p", "strong", "banner", "small"):
        doc.add(kind, SCRIPT)
    doc.table([SCRIPT], [[SCRIPT]])
    doc.bullets([SCRIPT])
    page = render_html(doc)
    assert "<script" not in page and page.count("&lt;script&gt;") == 9
    markdown = render_markdown(doc)
    assert "<script" not in markdown and "&lt;script&gt;" in markdown
    assert r"a\|b" == md_escape("a|b") and r"\- x" == md_escape("- x")
    assert r"12\. x" == md_escape("12. x") and "12. x" == md_escape("12. x", block_start=False)
    assert r"\[x\](http://y)" == md_escape("[x](http://y)")


@pytest.fixture
def notice_run(make_tender, tmp_path):
    return fake_run(tmp_path, unseal(make_tender()))


def test_notice_names_the_partners_and_compares_per_criterion(notice_run):
    doc = build_notice(open_run(notice_run), "002", "nb", DAY)
    text = render_markdown(doc)
    assert "Byggpuls\\-konsortiet" not in text  # a hyphen mid-line is not escaped
    assert "Byggpuls-konsortiet (Fjellvang Teknikk AS og Sensorlia AS) (tilbud 001)" in text
    assert "Havlysing Eiendomsforvaltning AS (tilbud 003)" in text
    assert "rangert som nummer 4 av 5" in text
    for title in ("Redusert drifts- og vedlikeholdskostnad", "Energisparing", "Livsløpsutslipp",
                  "Kompetanse hos teamet som tilbys til denne kontrakten"):
        assert title in text
    # the winner's approved notice text beside the recipient's own consensus justification
    assert "Tilbud 001: Tilbudet dokumenterer store og godt underbygde gevinster" in text
    assert "Ditt tilbud: Median 5. Moderate gevinster fra bedre arbeidsrutiner" in text
    assert "Relative fordeler for tilbud 001" in text and "Energisparing (+5,40 p)" in text
    assert "Tilbud 001 har høyere pris enn ditt tilbud" in text
    assert "perioden utløper derfor neste virkedag, mandag 28.12.2026" in text


def test_price_points_are_omitted_when_they_leak_prices(notice_run):
    data = open_run(notice_run)
    assert data.results["diagnostics"]["price_leak"]  # the demo's linear price model
    auto = render_markdown(build_notice(data, "002", "nb", DAY))
    assert "Prispoeng og totalsummer er utelatt" in auto
    assert "68,04" not in auto and "utelatt | utelatt" in auto  # no winner total, no price pts
    shown = render_markdown(build_notice(data, "002", "nb", DAY, price_points="show"))
    assert "68,04" in shown and "færre prispoeng" in shown
    assert "utelatt" not in shown
    with pytest.raises(NoticeError, match="price-points"):
        build_notice(data, "002", "nb", DAY, price_points="sometimes")


def test_excluded_and_selected_proposals(notice_run):
    data = open_run(notice_run)
    excluded = render_markdown(build_notice(data, "006", "en", DAY))
    assert "# Decision to reject a proposal (DRAFT)" in excluded
    assert "## Reason\n\nCompetence of the team assigned to this contract: 3.00 below the " \
           "minimum 4.00" in excluded
    selected = render_markdown(build_notice(data, "001", "en", DAY))
    assert "Your proposal has been selected." in selected
    assert "Proposal 003 – Havlysing Eiendomsforvaltning AS" in selected


def test_fallback_to_justifications_is_flagged_at_the_top(make_tender, demo_tender, tmp_path):
    folder = unseal(make_tender())
    consensus = pd.read_csv(folder / "consensus.csv", dtype=str, keep_default_na=False)
    consensus.loc[consensus["proposal_id"] == "001", "notice_text"] = ""
    consensus.to_csv(folder / "consensus.csv", index=False)
    data = open_run(fake_run(tmp_path, folder))
    doc = build_notice(data, "002", "nb", DAY)
    banners = [b.text for b in doc.blocks[:4] if b.kind == "banner"]
    assert any("teksten om tilbud 001 er hentet fra" in b and "§ 13" in b for b in banners)
    assert not any("tilbud 003" in b for b in banners)  # 003 has approved notice texts
    clean = build_notice(open_run(fake_run(tmp_path / "b", demo_tender)), "001", "nb", DAY)
    assert not [b for b in clean.blocks if b.kind == "banner"]


def test_supplier_script_is_escaped_in_every_notice(make_tender, tmp_path):
    folder = unseal(make_tender())
    edit(folder / "proposals.csv", "Havlysing Eiendomsforvaltning AS", SCRIPT)
    run = fake_run(tmp_path, folder)
    paths = write_notices(run, language="en", date=DAY)
    assert 12 + 2 == len(paths)  # six letters and the caseworker's checklist, HTML and Markdown
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert "<script" not in text
        if path.parent.name == "en":
            assert "&lt;script&gt;" in text  # every notice names the selected partner 003


def test_notices_are_written_inside_the_run_folder(notice_run, run):
    status, out, _ = run("notice", notice_run, "--language", "en", "--date", "2026-12-15")
    assert 0 == status
    written = out.split()
    assert 14 == len(written)
    assert all(p.startswith(str(notice_run / "notices" / "en")) for p in written[:12])
    assert [str(notice_run / "notices" / f"checklist-en{s}") for s in (".html", ".md")] \
        == written[12:]
    status, _, err = run("notice", notice_run.parent / "nothing")
    assert 2 == status and "not a complete run folder" in err


def test_changed_inputs_are_refused(notice_run):
    edit(notice_run / "inputs" / "tenders" / "1000-bygg" / "tender.yaml",
         "partners: 2", "partners: 1")
    with pytest.raises(NoticeError, match="no longer give the run's results"):
        open_run(notice_run)


@pytest.mark.notebooks
def test_demo_run_notices_in_both_languages(demo_run, tmp_path):
    run = shutil.copytree(demo_run, tmp_path / demo_run.name)
    for language in ("nb", "en"):
        paths = write_notices(run, language=language, date=DAY)
        assert {f"{p}.{s}" for p in ("001", "002", "003", "004", "005", "006")
                for s in ("html", "md")} == {p.name for p in paths if p.parent.name == language}
        assert {f"checklist-{language}.html", f"checklist-{language}.md"} == \
            {p.name for p in paths if p.parent.name == "notices"}
    winner = (run / "notices" / "en" / "004.html").read_text(encoding="utf-8")
    assert "Byggpuls-konsortiet (Fjellvang Teknikk AS og Sensorlia AS) (proposal 001)" in winner
    assert re.search(r"Energy savings: proposal 001 8, your proposal \d", winner)
    assert "2026-12-28" in winner


def test_notices_of_ids_alike_on_a_case_insensitive_disk_do_not_overwrite_each_other(
        make_tender, tmp_path):
    """'A1' and 'a1' are one file on Windows and macOS; 'Å1' and 'Ø1' were both '_1'."""
    folder = unseal(make_tender())
    for old, new in (("001", "A1"), ("002", "a1"), ("003", "\u00c51"), ("004", "\u00d81")):
        rename_proposal(folder, old, new)
    paths = [p for p in write_notices(fake_run(tmp_path, folder), language="en", date=DAY)
             if p.parent.name == "en"]
    assert 12 == len({p.name.casefold() for p in paths})
    for pid in ("A1", "a1", "\u00c51", "\u00d81", "005", "006"):
        (own,) = [p for p in paths if p.suffix == ".html" and
                  f"(proposal {pid})</p>" in p.read_text(encoding="utf-8").split("To: ")[1]
                  .split("\n")[0]]
        assert own.stem.startswith(pid)


def test_a_run_folder_cannot_send_notices_outside_itself(notice_run, tmp_path):
    """results.json and the folder's links are the run folder's: not to be trusted."""
    results = notice_run / "results.json"
    saved = results.read_text(encoding="utf-8")
    results.write_text(saved.replace('"language": "nb"', '"language": "../../../escaped"'),
                       encoding="utf-8")
    with pytest.raises(NoticeError, match="language: unknown"):
        write_notices(notice_run, date=DAY)
    results.write_text(saved, encoding="utf-8")
    (tmp_path / "outside").mkdir()
    (notice_run / "notices").symlink_to(tmp_path / "outside")
    with pytest.raises(UnsafePathError, match="leaves its folder"):
        write_notices(notice_run, language="en", date=DAY)
    assert [] == list((tmp_path / "outside").iterdir())


def test_a_run_scored_on_quality_only_gets_no_notices(make_tender, tmp_path, run):
    """A run made before the seal of a price_opening: after_seal tender (run refuses to make
    one now) named a winner on quality alone; notice refuses it."""
    folder = fake_run(tmp_path, make_tender(sealed=True))
    (folder / "inputs" / "tenders" / "1000-bygg" / "seal.json").unlink()
    status, _, err = run("notice", folder)
    assert 2 == status
    assert "price_opening: after_seal and the tender was not sealed: the run scored quality " \
        "only, and an award notice needs the prices" in err
    assert not (folder / "notices").exists()


# --- issue 16: no developer text in a letter, rejection decisions, untranslated texts --------

CASEWORKER_TEXT = ("holidays", "kontroller den", "check it", "results.json", "not verified",
                   "ikke kontrollert")


def test_letters_hold_no_text_for_the_caseworker_the_checklist_does(notice_run):
    """The letter said "kalender: biblioteket holidays; regelen antas å gjelde … kontroller
    den": the rule's uncertainty is the caseworker's, in a separate checklist."""
    for language in ("nb", "en"):
        paths = write_notices(notice_run, language=language, date=DAY)
        letters = [p for p in paths if p.parent.name == language]
        assert 12 == len(letters)
        for path in letters:
            text = path.read_text(encoding="utf-8")
            assert [] == [w for w in CASEWORKER_TEXT if w in text], path.name
        checklist = (notice_run / "notices" / f"checklist-{language}.md").read_text(
            encoding="utf-8")
        assert "holidays" in checklist and "--manifest-sha256" in checklist
        assert ("kontroller den" if language == "nb" else "check it") in checklist
        assert ("sendes ikke til leverandørene" if language == "nb" else
                "not sent to the suppliers") in checklist


def test_a_proposal_below_a_minimum_gets_a_rejection_decision_with_the_committees_basis(
        notice_run):
    letter = render_markdown(build_notice(open_run(notice_run), "006", "nb", DAY))
    assert letter.startswith("# Beslutning om avvisning av tilbud (UTKAST)")
    assert ("**Oppdragsgiver har besluttet å avvise tilbud 006 fra Lyngtopp Byggtjenester AS."
            in letter)
    assert "## Begrunnelse\n\nKompetanse hos teamet som tilbys til denne kontrakten: 3,00 " \
        "under minstekravet 4,00" in letter
    assert "## Hjemmel\n\nFOA § 24-8 første ledd bokstav b: vesentlig avvik" in letter
    assert "## Tildeling i konkurransen" in letter and "Havlysing Eiendomsforvaltning AS" in letter
    assert "Karensperiode" in letter
    assert "rangert som nummer" not in letter and "Meddelelse om tildelingsbeslutning" \
        not in letter


def test_a_rejected_proposal_quotes_the_committees_reason_and_basis(make_tender, tmp_path):
    folder = unseal(make_tender())
    edit(folder / "proposals.csv", "price_development,rejection_basis\n",
         "price_development,rejection_basis,admissible,rejection_reason\n")
    edit(folder / "proposals.csv", "7800000,\n",
         '7800000,FOA § 24-8 (1) a: levert etter fristen,false,"Levert 12 minutter etter '
         'fristen"\n')
    text = render_markdown(build_notice(open_run(fake_run(tmp_path, folder)), "005", "en",
                                        DAY))
    assert "# Decision to reject a proposal (DRAFT)" in text
    assert "## Reason\n\n“Levert 12 minutter etter fristen”" in text
    assert "## Legal basis\n\n“FOA § 24-8 (1) a: levert etter fristen”" in text


def test_a_proposal_not_ranked_without_a_basis_is_an_input_error(notice_run, run):
    proposals = notice_run / "inputs" / "tenders" / "1000-bygg" / "proposals.csv"
    text = proposals.read_text(encoding="utf-8")
    proposals.write_text(text[:text.index('"FOA')] + "\n", encoding="utf-8")
    status, out, err = run("notice", notice_run, "--date", "2026-12-15")
    assert 2 == status and "" == out
    assert ("inputs/tenders/1000-bygg/proposals.csv:7: rejection_basis: proposal 006 is not "
            "ranked (Kompetanse hos teamet som tilbys til denne kontrakten: 3,00 under "
            "minstekravet 4,00), and its rejection decision states the legal basis the "
            "committee decided on; the tool does not choose one (found '', expected the "
            "provision as the committee records it") in err
    assert not (notice_run / "notices").exists()


def test_english_letters_say_which_texts_are_the_committees_own_and_untranslated(notice_run):
    """The English notice quoted "Median 5. …" (the committee's Norwegian) as if it were the
    letter's own text."""
    data = open_run(notice_run)
    english = render_markdown(build_notice(data, "002", "en", DAY))
    assert ("Texts in quotation marks are the evaluation committee's own wording in Norwegian "
            "(bokmål); they are not translated.") in english
    assert "Your proposal: “Median 5. Moderate gevinster fra bedre arbeidsrutiner" in english
    assert "Proposal 001: “Tilbudet dokumenterer store og godt underbygde gevinster" in english
    norwegian = render_markdown(build_notice(data, "002", "nb", DAY))
    assert "oversatt" not in norwegian and "“" not in norwegian
