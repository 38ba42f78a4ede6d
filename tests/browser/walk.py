#!/usr/bin/python3
"""The admin UI as an administrator uses it, in headless Debian Chromium
driven through chromedriver (python3-selenium, Debian's package).

Walks: log in, edit and save 企業情報, upload a link CSV and apply it, run
the KING OF TIME sync, filter the log view, open the daily view and the
status page; each step checks what the page says and takes a screenshot
(desktop 1280 px, and the main pages again at phone width). Any console
error (a script error, a Content-Security-Policy violation, a 404 for a
page's resource) fails the walk.

Environment: URL, COMPANY, LOGIN, PASSWORD, CSV (the link CSV to upload),
SHOTS (folder for the PNGs). Prints "ok - ..." / "not ok - ..." lines and
exits 1 when any check failed.
"""
import os
import re
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

URL = os.environ["URL"]
SHOTS = os.environ["SHOTS"]
failures = 0


def check(what, cond):
    global failures
    print(("ok - " if cond else "not ok - ") + what, flush=True)
    if not cond:
        failures += 1


def phone_metrics(d, width, height):
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                      {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True})


def browser(width, height):
    """A browser whose pages are width CSS px wide. Headless Chromium's
    window is at least 500 px wide, so a phone's width is emulated (as
    DevTools' device mode does)."""
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--no-first-run", "--disable-extensions", "--lang=ja",
              "--window-size=%d,%d" % (max(width, 500), height)):
        opts.add_argument(a)
    opts.add_experimental_option("prefs", {"intl.accept_languages": "ja,en"})
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    d.set_page_load_timeout(20)
    d.implicitly_wait(0)
    d.phone = (width, height) if width < 500 else None
    if d.phone:
        phone_metrics(d, width, height)
    return d


def console_errors(d):
    # the page itself may answer 4xx on purpose (a form with mistakes is
    # 422); anything else the console reports is an error
    page = d.current_url.split("?")[0]
    return [e["message"] for e in d.get_log("browser")
            if e["level"] == "SEVERE" and not e["message"].startswith(page + " ")]


def shot(d, name):
    # the whole page, not just the window: stretch the window to the body
    h = d.execute_script("return document.documentElement.scrollHeight")
    path = os.path.join(SHOTS, name + ".png")
    if d.phone:
        phone_metrics(d, d.phone[0], min(max(h + 40, 600), 4000))
        d.save_screenshot(path)
        phone_metrics(d, *d.phone)
    else:
        w = d.get_window_size()["width"]
        d.set_window_size(w, min(max(h + 120, 600), 4000))
        d.save_screenshot(path)
        d.set_window_size(w, 900)
    errs = console_errors(d)
    check("%s: no console errors %s" % (name, errs if errs else ""), not errs)


LAYOUT_JS = """
const width = arguments[0] || window.innerWidth;
const over = document.documentElement.scrollWidth > width + 1 || window.innerWidth > width + 1;
const wrapped = [];
for (const b of document.querySelectorAll('button, a.button')) {
  const r = b.getBoundingClientRect();
  if (r.width === 0) continue;
  const lh = parseFloat(getComputedStyle(b).lineHeight) || 20;
  const pad = parseFloat(getComputedStyle(b).paddingTop) + parseFloat(getComputedStyle(b).paddingBottom)
            + parseFloat(getComputedStyle(b).borderTopWidth) + parseFloat(getComputedStyle(b).borderBottomWidth);
  if (r.height - pad > lh * 1.5) wrapped.push(b.textContent.trim());
}
const split = [];
for (const c of document.querySelectorAll('dd, td, th')) {
  const w = c.textContent.trim();
  if (!w || /\\s/.test(w) || w.length > 12 || c.querySelectorAll('*').length) continue;
  /* the cell's own text on more than one line (not a row made tall by
   * its neighbours) */
  const r = document.createRange();
  r.selectNodeContents(c);
  const tops = new Set([...r.getClientRects()].map(x => Math.round(x.top)));
  if (tops.size > 1) split.push(w);
}
return [over, wrapped, split];
"""


def layout(d, what):
    """The page fits the window, no button's label wraps, no short word
    is split over lines in a table or list cell, and a Japanese page says
    nothing in English."""
    width = d.phone[0] if d.phone else d.execute_script("return window.innerWidth")
    over, wrapped, split = d.execute_script(LAYOUT_JS, width)
    check("%s: no wider than the window (%d px)" % (what, width), not over)
    check("%s: no button label wraps %s" % (what, wrapped if wrapped else ""), not wrapped)
    check("%s: no short word split over lines %s" % (what, split if split else ""), not split)
    japanese_only(d, what)


# The visible text of the page, but for what is English on purpose: the
# technical detail folded under 技術的な詳細（英語）, code, and what is marked
# lang="en" (a reason's English label, shown beside its Japanese one).
VISIBLE_TEXT_JS = """
const out = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let n = walker.nextNode(); n; n = walker.nextNode()) {
  const e = n.parentElement;
  if (!e || e.closest('script, style, code, pre, [lang=en], details.detail > :not(summary), .problem details > :not(summary)'))
    continue;
  out.push(n.textContent);
}
for (const i of document.querySelectorAll('input[type=submit], button'))
  out.push(i.value || '');
return out.join(' | ');
"""

# English catalogue values a Japanese page must not show (two words or
# more: single words such as "PC" or "CSV" are the same in both).
EN_VALUES = []
_here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(_here, "..", "..", "web", "i18n", "en.tsv"), encoding="utf-8") as f:
    for row in f:
        key, _, value = row.rstrip("\n").partition("\t")
        words = re.findall(r"[A-Za-z]+", value)
        if not key.startswith("name.") and len(words) >= 2 and "{" not in value:
            EN_VALUES.append(value)
# Codes the pages must show as labels (issue 19): sources, operations,
# what a sync counts.
RAW_CODES = re.compile(r"\b(lanscope|malion|smarton|generic|file_copy|logon|logoff|added|updated|"
                       r"deleted|restored|other)\b")


PHONE_TABLE_JS = """
const t = document.querySelector('table.logs, table.daily');
const box = t.closest('.scroll');
const shown = [...t.querySelectorAll('tbody td')].filter(c => c.getBoundingClientRect().width > 0);
return [box.scrollWidth > box.clientWidth + 1,
        shown.filter(c => c.classList.contains('more')).length,
        t.querySelectorAll('tbody td.fold details').length,
        shown.filter(c => c.getBoundingClientRect().right > window.innerWidth + 1).length];
"""


def phone_table(d, what):
    """On a phone the log and daily tables need no sideways scrolling: the
    log shows time, employee and operation, with the rest folded."""
    sideways, more_shown, folds, outside = d.execute_script(PHONE_TABLE_JS)
    check("%s on a phone: the table does not scroll sideways, no cell outside (%d)" %
          (what, outside), not sideways and outside == 0)
    if what.startswith("/logs"):
        check("%s on a phone: time, employee, operation; the rest folded (%d shown, %d folds)" %
              (what, more_shown, folds), more_shown == 0 and folds > 0)
        ops = d.find_elements(By.CSS_SELECTOR, "table.logs td.op")
        check("%s on a phone: the operation shows" % what, ops and ops[0].is_displayed())


def japanese_only(d, what):
    """In Japanese mode: no English catalogue value, no English sentence
    (three English words in a row, product names aside) and no raw code."""
    if d.find_element(By.TAG_NAME, "html").get_attribute("lang") != "ja":
        return
    t = d.execute_script(VISIBLE_TEXT_JS)
    t = re.sub(r"KING OF TIME|LanScope Cat|SmartOn ID", "", t)
    found = [v for v in EN_VALUES if v in t]
    found += re.findall(r"[A-Za-z]+(?:[ ,]+[A-Za-z]+){2,}", t)
    found += RAW_CODES.findall(t)
    check("%s: nothing in English on the Japanese page %s" % (what, found if found else ""),
          not found)


def text(d):
    return d.find_element(By.TAG_NAME, "body").text


def field(d, name):
    return d.find_element(By.NAME, name)


def gone(element):
    """True once element has left the document. selenium's staleness_of
    knows only "stale element"; Chromium may instead answer "node does
    not belong to the document" when the old page is being torn down,
    which means the same thing."""
    try:
        element.is_enabled()
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as e:
        if "does not belong" in str(e):
            return True
        raise


def navigates(d, action):
    """Runs action (a click that loads a page) and waits for the new page."""
    old = d.find_element(By.TAG_NAME, "html")
    action()
    WebDriverWait(d, 15).until(lambda x: gone(old))
    WebDriverWait(d, 15).until(
        lambda x: x.execute_script("return document.readyState") == "complete")


def click(d, css):
    """Clicks the element of css, found afresh if Chromium replaced it
    between finding and clicking (it does while it settles a page after a
    window resize: "stale element" or "node does not belong to the
    document"); the click has not happened then, so trying again is safe."""
    for attempt in range(5):
        try:
            d.find_element(By.CSS_SELECTOR, css).click()
            return
        except (StaleElementReferenceException, WebDriverException) as e:
            if attempt == 4 or not ("stale" in str(e) or "does not belong" in str(e)):
                raise
            time.sleep(0.2)


def submit(d, form_action):
    navigates(d, lambda: click(d, 'form[action="%s"] button[type=submit]' % form_action))


def sign_in(d, name):
    d.get(URL + "/")
    check("/ sends a visitor to the login page", d.current_url.endswith("/login"))
    field(d, "company").send_keys(os.environ["COMPANY"])
    field(d, "login").send_keys(os.environ["LOGIN"])
    field(d, "password").send_keys(os.environ["PASSWORD"])
    shot(d, name)
    submit(d, "/login")
    check("signed in, the company's name shows", "ログアウト" in text(d))


def walk():
    d = browser(1280, 900)
    try:
        sign_in(d, "01-login")

        # 企業情報: read-only until [編集], then save with a mistake, then right
        d.get(URL + "/settings")
        check("settings are read-only until [編集]", not d.find_elements(By.NAME, "name"))
        shot(d, "02-settings")
        check("the [編集] button is there", d.find_element(By.LINK_TEXT, "編集") is not None)
        navigates(d, lambda: click(d, 'a[href="/settings/edit"]'))
        f = field(d, "name")
        f.clear()
        f.send_keys("ブラウザ株式会社")
        c = field(d, "collect")
        c.clear()
        c.send_keys("25:00")
        submit(d, "/settings")
        check("a mistake is marked at its field",
              field(d, "collect").get_attribute("aria-invalid") == "true")
        shot(d, "03-settings-mistake")
        c = field(d, "collect")
        c.clear()
        c.send_keys("05:00")
        field(d, "kot_token").send_keys(os.environ["KOT_TOKEN"])
        submit(d, "/settings")
        check("saved: the new name shows", "ブラウザ株式会社" in text(d))
        check("the token is never shown", os.environ["KOT_TOKEN"] not in d.page_source)
        shot(d, "04-settings-saved")

        # 接続テスト (KING OF TIME): the result in words, on the page
        navigates(d, lambda: click(d, 'form.test input[value="kot"] ~ button'))
        check("[接続テスト] says it connected and what a sync would do",
              "勤革時に接続できました。従業員 2 人" in text(d))
        shot(d, "04a-settings-test")
        layout(d, "/settings after a connection test")
        # 🗑 asks first, saying what goes with it
        d.get(URL + "/settings/edit")
        navigates(d, lambda: click(d, 'ul.clears input[value="kot_token"] ~ button'))
        check("🗑 asks first and says what goes with it",
              "次の設定を削除しますか？" in text(d) and "勤革時への打刻の送信" in text(d))
        shot(d, "04b-settings-clear-confirm")
        layout(d, "/settings/clear, asking")
        navigates(d, lambda: click(d, 'div.preview a[href="/settings/edit"]'))

        # 連携設定: the whole export sent back with one row edited: the rest
        # is unchanged, and an account that differs only in case is warned
        d.get(URL + "/links")
        field(d, "file").send_keys(os.environ["CSV_ALL"])
        submit(d, "/links/upload")
        check("the whole export: one to update, the rest unchanged",
              "1件のアカウントを更新します" in text(d) and "変更のない行（1）" in text(d))
        check("the case-only difference is warned", "大文字と小文字だけが違います" in text(d))
        click(d, "details.unchanged summary")
        shot(d, "05a-links-unchanged")
        layout(d, "/links with a preview")

        # 連携設定: a file in EUC-JP is refused in Japanese, with the fix
        d.get(URL + "/links")
        field(d, "file").send_keys(os.environ["CSV_EUC"])
        submit(d, "/links/upload")
        check("an EUC-JP file: named, and how to save it again, in Japanese",
              "ファイルの文字コードが EUC-JP です" in text(d) and "保存し直す" in text(d))
        shot(d, "05b-links-euc")
        layout(d, "/links with an EUC-JP file")

        # 連携設定: upload, check, apply
        d.get(URL + "/links")
        field(d, "file").send_keys(os.environ["CSV"])
        submit(d, "/links/upload")
        check("[送信] shows old → new", "1件のアカウントを更新します" in text(d))
        shot(d, "05-links-check")
        submit(d, "/links/apply")
        check("[実行] applies it", "1件のアカウントを更新" in text(d))
        shot(d, "06-links-applied")

        # ユーザー設定: [連携実行]
        d.get(URL + "/users")
        submit(d, "/users/sync")
        check("[連携実行] shows its counts", "連携しました" in text(d))
        shot(d, "07-users-synced")

        # 所属設定: HQ changes day at 00:00, LanScope collects at 05:00
        d.get(URL + "/divisions")
        check("所属設定 warns beside HQ", "LanScope の収集開始（05:00）と違います" in text(d))
        shot(d, "07a-divisions")
        layout(d, "/divisions")
        navigates(d, lambda: click(d, 'tr[data-division="HQ"] a.button'))
        f = field(d, "day_change")
        d.execute_script("arguments[0].value = '05:00'", f)
        d.execute_script("arguments[0].value = '2026-11-16'", field(d, "from"))
        submit(d, "/divisions/save")
        check("[確認] previews the punches that would change", "件が変わります" in text(d)
              and "まだ何も変更していません" in text(d))
        shot(d, "07b-divisions-preview")
        navigates(d, lambda: click(d, 'input[name="confirm"] ~ button[type=submit]'))
        check("[変更する] applies it", "日付変更時間を 00:00 から 05:00 に変更しました" in text(d)
              and "一致" in text(d))
        shot(d, "07c-divisions-changed")

        # ログ表示: filter by employee and operation
        d.get(URL + "/logs")
        field(d, "employee").send_keys("1001")
        click(d, '#op option[value="logon"]')
        navigates(d, lambda: click(d, "form.filters button[type=submit]"))
        rows = d.find_elements(By.CSS_SELECTOR, "table.logs tbody tr")
        check("the filtered log shows only 1001's logons (%d rows)" % len(rows),
              rows and all("1001" in r.text and "ログオン" in r.text for r in rows))
        shot(d, "08-logs-filtered")

        # a Windows PC's own log: its column on ユーザー設定, its flags in ログ表示
        d.get(URL + "/users")
        check("ユーザー設定 has the Windows and Linux columns",
              "Windows連携" in text(d) and "Linux連携" in text(d))
        check("1002's Windows user name with its [解除]",
              d.find_elements(By.CSS_SELECTOR, 'form.unlink input[name="kind"][value="windows"]'))
        shot(d, "07d-users-windows")
        d.get(URL + "/logs?employee=1002&from=" + os.environ["DAY"] + "&to=2026-11-17")
        check("ログ表示: the remote logon is marked", "リモート" in text(d))
        check("and the boot that ended the session, as 1002's, its end read from it",
              "終了は次の起動から推定" in text(d) and "未連携" not in text(d))
        shot(d, "08b-logs-windows")
        d.get(URL + "/status")
        check("連携状況: one name on two PCs under two SIDs, named",
              d.find_elements(By.CSS_SELECTOR, "#shared-names") and "PC-04" in text(d)
              and "PC-05" in text(d))
        shot(d, "10b-status-windows")

        # 日別データ
        d.get(URL + "/daily?day=" + os.environ["DAY"])
        bars = d.find_elements(By.CSS_SELECTOR, "svg.timeline rect.session")
        check("the daily view draws the sessions (%d bars)" % len(bars), len(bars) >= 2)
        check("and the punches with method PC", "出勤" in text(d) and "PC" in text(d))
        froms = [e.text for e in d.find_elements(By.CSS_SELECTOR, "ul.punches .from")]
        check("each punch says which event made it, a boot record without an empty user name "
              "(%s)" % froms,
              len(froms) >= 4 and all(f.startswith("根拠: ") for f in froms)
              and not any(", ," in f for f in froms)
              and any("(windows, #" in f for f in froms))
        shot(d, "09-daily")
        layout(d, "/daily")
        d.get(URL + "/daily?day=2026-11-17")
        check("a night past the day change is PC use that continues",
              d.find_elements(By.CSS_SELECTOR, "svg.timeline rect.session.continues")
              and not d.find_elements(By.CSS_SELECTOR, "svg.timeline rect.session.open"))
        check("its clock-out is listed at its real time", "07:00（翌日）" in text(d))
        shot(d, "09a-daily-crossing")

        # 乖離
        d.get(URL + "/divergence?month=2026-11")
        cells = d.find_elements(By.CSS_SELECTOR, ".heat a.c")
        check("乖離: the month's heat map shows the divergent days (%d)" % len(cells),
              len(cells) >= 2)
        check("乖離: each cell says what it is", all(c.get_attribute("title") for c in cells))
        shot(d, "13-divergence")
        layout(d, "/divergence")
        navigates(d, lambda: click(d, '.heat a.c[href*="employee=1001"][href*="2026-11-17"]'))
        check("the day's detail: the record's punches drawn on the timeline, in their colour",
              len(d.find_elements(By.CSS_SELECTOR, "svg.timeline rect.mark.rec")) == 2)
        check("and the PC's session", d.find_elements(By.CSS_SELECTOR, "svg.timeline rect.session"))
        check("with how the record was made", "ICカード" in text(d))
        shot(d, "14-divergence-day")
        layout(d, "/divergence/day")
        Select(field(d, "reason")).select_by_value("work_at_home")
        click(d, 'input[name=result][value="no_correction"]')
        field(d, "note").send_keys("自宅での作業を確認、補正不要")
        submit(d, "/divergence/confirm")
        check("confirmed: the page says so, with who", "確認結果を保存しました" in text(d)
              and "確認者 admin" in text(d))
        shot(d, "15-divergence-confirmed")
        d.get(URL + "/divergence?month=2026-11")
        check("the confirmed day is drawn apart",
              d.find_elements(By.CSS_SELECTOR, '.heat a.c.ok[href*="2026-11-17"]'))
        d.get(URL + "/divergence/reasons")
        check("the reasons: the defaults, in Japanese", "持ち帰り残業" in text(d))
        shot(d, "15b-divergence-reasons")
        layout(d, "/divergence/reasons")

        d.get(URL + "/status")
        check("the status page shows the outbox", "勤革時への打刻の送信" in text(d))
        check("and the punch waiting for the restricted hours' end",
              "打刻制限時間帯（8:30〜10:00、17:30〜18:30）の終了を待つ打刻: 1" in text(d))
        shot(d, "10-status")
        for path in ("/settings", "/users", "/logs"):
            d.get(URL + path)
            layout(d, path)
        d.get(URL + "/status")
        layout(d, "/status")

        # English
        click(d, '#lang-pick option[value="en"]')
        submit(d, "/lang")
        check("English: the status page in English", "Punches to KING OF TIME" in text(d))
        check("English: the restricted hours' wait in English",
              "Punches waiting for KING OF TIME's restricted hours (08:30-10:00, 17:30-18:30) to end: 1"
              in text(d))
        shot(d, "11-status-en")
        d.get(URL + "/daily?day=" + os.environ["DAY"])
        shot(d, "12-daily-en")
        d.get(URL + "/divergence?month=2026-11")
        check("English: the divergence page in English", "Divergence" in text(d))
        shot(d, "16-divergence-en")
        click(d, '#lang-pick option[value="ja"]')
        submit(d, "/lang")
    finally:
        d.quit()

    # a phone
    p = browser(390, 844)
    try:
        sign_in(p, "19-phone-login")
        for path, name in (("/settings", "20-phone-settings"), ("/logs", "21-phone-logs"),
                           ("/daily?day=" + os.environ["DAY"], "22-phone-daily"),
                           ("/status", "23-phone-status"), ("/divisions", "24-phone-divisions"),
                           ("/links", "25-phone-links"), ("/users", "26-phone-users"),
                           ("/divergence?month=2026-11", "27-phone-divergence"),
                           ("/divergence/day?employee=1002&date=2026-11-16",
                            "28-phone-divergence-day"),
                           ("/divergence/reasons", "29-phone-divergence-reasons")):
            p.get(URL + path)
            layout(p, path + " on a phone")
            if path.startswith(("/logs", "/daily")):
                phone_table(p, path)
            shot(p, name)
    finally:
        p.quit()


walk()
sys.exit(1 if failures else 0)
