"""The search page in a real browser: headless Chromium driven by Selenium
against the built daemon.

    browser.py CHECK charfinderd OUTDIR

Starts the daemon on free ports (--port 0 --http-port 0), a fresh Chromium
with its own profile, runs one CHECK (the names are in CHECKS below), then
requires that the page logged no error to the console (a Content-Security-
Policy violation or a failed request shows there) and that the daemon is
idle and stops cleanly.  Screenshots go to OUTDIR.  Skips (77) only when
Chromium, chromedriver or Selenium is not installed.
"""
import os
import re
import shutil
import sys
import tempfile
from urllib.parse import quote_plus

import cftest
from cftest import check, say

CHROMIUM = '/usr/bin/chromium'
CHROMEDRIVER = '/usr/bin/chromedriver'
WAIT = 20           # seconds; an upper bound for slow builds, not a timing
DESKTOP = (1280, 860)
PHONE = (390, 844)
ANSWERED_ERROR = re.compile(r'/(search|char)\b.* status of 400 ')
# 'chess black' in Unicode 17.0 (issue 16; 33 in Unicode 15.0).
CHESS_BLACK = 35
XSS = ('<img src=x onerror=alert(1)>', '"><img src=x onerror=alert(1)>')

try:
    from selenium import webdriver
    from selenium.common.exceptions import (NoAlertPresentException,
                                            TimeoutException)
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:
    webdriver = None


class Page:
    """One Chromium on the daemon's page."""

    def __init__(self, base, size=DESKTOP, mobile=False, dark=False,
                 script=True):
        self.base = base
        self.profile = tempfile.mkdtemp(prefix='cf-chromium-')
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for arg in ('--headless=new', '--no-sandbox', '--disable-gpu',
                    '--disable-dev-shm-usage', '--no-first-run',
                    '--disable-background-networking',
                    '--disable-component-update', '--disable-sync',
                    '--disable-quic', '--lang=en-US',
                    '--user-data-dir=' + self.profile):
            options.add_argument(arg)
        options.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER),
                                       options=options)
        self.cdp('Emulation.setDeviceMetricsOverride', {
            'width': size[0], 'height': size[1],
            'deviceScaleFactor': 2 if mobile else 1, 'mobile': mobile})
        self.cdp('Emulation.setEmulatedMedia', {'features': [{
            'name': 'prefers-color-scheme',
            'value': 'dark' if dark else 'light'}]})
        if not script:
            self.cdp('Emulation.setScriptExecutionDisabled', {'value': True})
        # The copy test reads the clipboard back.
        self.cdp('Browser.grantPermissions', {
            'origin': base, 'permissions': ['clipboardReadWrite',
                                            'clipboardSanitizedWrite']})

    def cdp(self, command, params):
        return self.driver.execute_cdp_cmd(command, params)

    def close(self):
        self.driver.quit()
        shutil.rmtree(self.profile, ignore_errors=True)

    def open(self, path):
        say(f'open {path}')
        self.driver.get(self.base + path)

    def until(self, what, condition, timeout=WAIT):
        """Wait for condition() to be true (or a value); fail with what."""
        try:
            return WebDriverWait(self.driver, timeout).until(
                lambda _: condition())
        except TimeoutException:
            cftest.fail(f'{what} within {timeout} s; the page says '
                        f'{self.status()!r}, URL {self.driver.current_url}')

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css):
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def rows(self):
        return self.find_all('#rows tr:not(.status)')

    def cells(self, row):
        return [row.find_element(By.CSS_SELECTOR, 'td.' + c).text
                for c in ('cp', 'ch', 'name')]

    def status(self):
        found = self.find_all('#status')
        return found[0].text if found else None

    def box(self):
        return self.find('#q')

    def type_query(self, text, enter=True):
        """Replace the search box's text by typing, as a person would."""
        box = self.box()
        box.click()
        box.send_keys(Keys.CONTROL, 'a')
        box.send_keys(Keys.BACKSPACE)
        box.send_keys(text)
        if enter:
            box.send_keys(Keys.ENTER)

    def wait_answer(self, query, count):
        """Wait until the table shows count rows and the status names the
        query (JavaScript's answer, not the server-rendered one)."""
        self.until(f'{count} rows for {query!r}', lambda: (
            len(self.rows()) == count and query in (self.status() or '')
            and self.find_all('#rows tr[data-index]') != []))

    def alert_text(self):
        try:
            return self.driver.switch_to.alert.text
        except NoAlertPresentException:
            return None

    def console_errors(self):
        """Errors on the console, but for the answers of 400 that the
        page shows as its status (a query with an error)."""
        return [e['message'] for e in self.driver.get_log('browser')
                if e['level'] == 'SEVERE' and not ANSWERED_ERROR.search(
                    e['message'])]

    def no_horizontal_scroll(self, when):
        # Not innerWidth: a mobile layout viewport grows to fit the page.
        wide, view = self.driver.execute_script(
            'const root = document.documentElement;'
            'return [Math.max(root.scrollWidth, document.body.scrollWidth),'
            ' root.clientWidth]')
        check(wide <= view, f'{when}: the page is {wide} px wide in a '
              f'{view} px window (horizontal scroll)')

    def screenshot(self, outdir, name):
        path = os.path.join(outdir, name)
        check(self.driver.save_screenshot(path), f'no screenshot {path}')
        say(f'screenshot: {path}')


# ---- the checks ------------------------------------------------------------

def check_search_as_you_type(page, outdir):
    """Typing (no Enter) searches; the table has every answer."""
    page.open('/')
    page.type_query('chess black', enter=False)
    page.wait_answer('chess black', CHESS_BLACK)
    first = page.cells(page.rows()[0])
    check(first == ['U+265A', '♚', 'BLACK CHESS KING'],
          f'first row {first}')
    check(page.driver.current_url == page.base + '/?q=chess+black',
          f'the URL does not follow the query: {page.driver.current_url}')
    check(f'{CHESS_BLACK} matches' in page.status(),
          f'status {page.status()!r}')


def check_details(page, outdir):
    """A click on a row shows the character's details from /char/."""
    page.open('/?q=chess+black')
    page.wait_answer('chess black', CHESS_BLACK)
    page.rows()[0].click()
    page.until('the details of U+265A', lambda: page.find(
        '#details-name').text == 'BLACK CHESS KING' and 'Miscellaneous '
        'Symbols' in page.find('#details-list').text)
    facts = page.find('#details-list').text
    for fact in ('So', 'Other Symbol', 'Common', '1.1', 'E2 99 9A', '265A'):
        check(fact in facts, f'{fact!r} not in the details: {facts!r}')
    check(page.find('#details').is_displayed(), 'details not shown')
    check('selected' in page.rows()[0].get_attribute('class'),
          'the clicked row is not marked')
    page.until('the copy feedback to go', lambda: 'show' not in
               page.find('#toast').get_attribute('class'))
    page.screenshot(outdir, 'desktop-light.png')


def check_copy(page, outdir):
    """A click copies the character and says so; so do the keys: '/'
    focuses the box, ArrowDown walks the rows, Enter copies."""
    page.open('/?q=chess+black')
    page.wait_answer('chess black', CHESS_BLACK)
    page.rows()[0].click()
    toast = page.find('#toast')
    page.until('copy feedback', lambda: 'Copied ♚' in toast.text and
               'show' in toast.get_attribute('class'))
    check(read_clipboard(page) == '♚', 'the clipboard does not hold ♚')

    body = page.find('body')
    page.find('footer').click()
    body.send_keys('/')
    check(page.driver.switch_to.active_element == page.box(),
          "'/' does not focus the search box")
    page.box().send_keys(Keys.ARROW_DOWN)
    page.driver.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
    focused = page.driver.switch_to.active_element
    check(page.cells(focused)[0] == 'U+265B',
          'ArrowDown twice from the box is not on the second row')
    focused.send_keys(Keys.ENTER)
    page.until('copy feedback for ♛', lambda: 'Copied ♛' in toast.text)
    check(read_clipboard(page) == '♛', 'Enter did not copy ♛')
    page.until('the details of U+265B', lambda: page.find(
        '#details-name').text == 'BLACK CHESS QUEEN')

    # Plain HTTP from another host has no clipboard API: the fallback.
    page.cdp('Browser.setPermission', {
        'origin': page.base, 'setting': 'denied',
        'permission': {'name': 'clipboard-write'}})
    page.rows()[2].click()
    page.until('copy feedback for ♜', lambda: 'Copied ♜' in toast.text)
    check(read_clipboard(page) == '♜', 'the fallback did not copy ♜')


def read_clipboard(page):
    return page.driver.execute_async_script(
        'const done = arguments[arguments.length - 1];'
        'navigator.clipboard.readText().then(done, (e) => done(String(e)));')


def check_no_script(page, outdir):
    """With JavaScript off, the daemon renders /?q= as HTML."""
    page.open('/?q=snowman')
    rows = page.rows()
    check(len(rows) == 3, f'{len(rows)} rows, not 3')
    check(page.cells(rows[0]) == ['U+2603', '☃', 'SNOWMAN'],
          f'first row {page.cells(rows[0])}')
    check(page.box().get_attribute('value') == 'snowman',
          'the box does not hold the query')
    check('3 matches' in page.status(), f'status {page.status()!r}')
    check(page.find('button[type=submit]').is_displayed(),
          'no Search button without JavaScript')
    # The form alone: a new query is a GET of /?q=.
    page.type_query('chess black')
    page.until('the form to load /?q=chess+black',
               lambda: page.driver.current_url.endswith('/?q=chess+black'))
    check(len(page.rows()) == CHESS_BLACK,
          f'{len(page.rows())} rows, not {CHESS_BLACK}')
    for text in XSS:
        page.open('/?q=' + quote_plus(text))
        check_shown_as_text(page, text, rendered=True)


def check_escaping(page, outdir):
    """Markup in a query is shown as text: no alert, no new element."""
    page.open('/')
    for text in XSS:
        page.type_query(text)
        page.until(f'the answer to {text!r}', lambda: text in page.status())
        check_shown_as_text(page, text, rendered=False)
    # The same query rendered by the daemon, then answered by the script.
    page.open('/?q=' + quote_plus(XSS[1]))
    page.until('the answer', lambda: page.find_all('html.js') and
               not page.find_all('form.busy'))
    check_shown_as_text(page, XSS[1], rendered=False)


def check_shown_as_text(page, text, rendered):
    check(page.alert_text() is None, 'an alert came up')
    check(not page.find_all('img[src="x"], img[onerror]'),
          'the query became an <img> element')
    check(page.box().get_attribute('value') == text,
          f'the box holds {page.box().get_attribute("value")!r}')
    if rendered:
        # The daemon's status row or line quotes the query as text.
        check(text in page.find('main').text,
              f'the page does not show {text!r} as text')
    else:
        check(text in page.status(), f'status {page.status()!r}')


def check_back_button(page, outdir):
    """Each query has its URL; Back and Forward restore them."""
    page.open('/')
    page.type_query('chess black')
    page.wait_answer('chess black', CHESS_BLACK)
    page.type_query('snowman')
    page.wait_answer('snowman', 3)
    check(page.driver.current_url == page.base + '/?q=snowman',
          f'URL {page.driver.current_url}')
    page.driver.back()
    page.wait_answer('chess black', CHESS_BLACK)
    check(page.box().get_attribute('value') == 'chess black',
          'Back did not put the query back in the box')
    check(page.driver.current_url == page.base + '/?q=chess+black',
          f'URL after Back: {page.driver.current_url}')
    page.driver.forward()
    page.wait_answer('snowman', 3)
    page.driver.back()
    page.driver.back()
    page.until('the empty page', lambda: not page.rows() and
               page.box().get_attribute('value') == '')


def check_more(page, outdir):
    """A long answer comes a page at a time: 'Show more' adds the next."""
    page.open('/?q=cjk')
    page.wait_answer('cjk', 100)
    more = page.find('#more')
    check(more.is_displayed(), 'no "Show more" for cjk')
    more.click()
    page.until('200 rows of cjk', lambda: len(page.rows()) == 200)
    second = fetch_json(page, '/search?q=cjk&offset=100&limit=100')
    shown = [page.cells(r)[0] for r in page.rows()[100:]]
    check(shown == [r['cp'] for r in second['results']],
          'rows 101 to 200 are not the answer at offset 100')
    check(f"{second['count']:,} matches" in page.status(),
          f'status {page.status()!r}')


def check_emoji(page, outdir):
    """A query that starts with ':' finds emoji by keywords, shown large."""
    page.open('/')
    answer = fetch_json(page, '/search?q=%3Acat')
    if 'error' in answer:
        cftest.skip(f"the daemon answers ':cat' with an error "
                    f"({answer['error']!r}): no emoji search yet (issue 14)")
    page.find('#emoji').click()
    check(page.box().get_attribute('value') == ':',
          'the Emoji button does not start the query with :')
    page.box().send_keys('cat')
    page.until('emoji rows for :cat', lambda: len(page.rows()) > 3 and
               ':cat' in page.status())
    chars = [page.cells(r)[1] for r in page.rows()]
    check('😺' in chars and '🐈' in chars, f'no 😺 and 🐈 in {chars}')
    check(page.find('#emoji').get_attribute('aria-pressed') == 'true',
          'the Emoji button is not shown pressed')
    row = page.find_all('#rows tr.emoji')[0]
    big = float(row.find_element(By.CSS_SELECTOR, 'td.ch')
                .value_of_css_property('font-size')[:-2])
    text = float(row.find_element(By.CSS_SELECTOR, 'td.name')
                 .value_of_css_property('font-size')[:-2])
    check(big >= 2 * text, f'emoji at {big} px beside text at {text} px')
    first = answer['results'][0] if answer.get('results') else {}
    missing = [k for k in ('cps', 'keywords', 'group', 'subgroup')
               if k not in first]
    check(not missing, f"the daemon's first emoji result for ':cat' has no "
          f"{', '.join(missing)} (HTTP_API.md), so the page cannot show "
          f"them: {first}")
    row.click()
    page.until('keywords in the details', lambda: 'Keywords' in
               page.find('#details-list').text)


def fetch_json(page, path):
    return page.driver.execute_async_script(
        'const done = arguments[arguments.length - 1];'
        'fetch(arguments[0]).then((r) => r.json()).then(done,'
        ' (e) => done({error: String(e)}));', path)


def check_dark(page, outdir):
    """prefers-color-scheme: dark gives a dark page."""
    page.open('/?q=chess+black')
    page.wait_answer('chess black', CHESS_BLACK)
    page.rows()[3].click()
    page.until('the details of U+265D', lambda: 'BISHOP' in
               page.find('#details-name').text and 'Miscellaneous '
               'Symbols' in page.find('#details-list').text)
    page.until('the copy feedback to go', lambda: 'show' not in
               page.find('#toast').get_attribute('class'))
    background = page.driver.execute_script(
        'return getComputedStyle(document.body).backgroundColor')
    rgb = [int(x) for x in background[background.index('(') + 1:
                                      background.index(')')].split(',')[:3]]
    check(sum(rgb) < 3 * 80, f'background {background} is not dark')
    page.screenshot(outdir, 'desktop-dark.png')


def check_phone(page, outdir):
    """A phone-sized window: no horizontal scroll, details as a sheet."""
    for path in ('/', '/?q=chess+black', '/?q=cjk'):
        page.open(path)
        page.until('the page', lambda: page.find_all('html.js'))
        if path != '/':
            page.until('rows', lambda: page.find_all('#rows tr[data-index]'))
        page.no_horizontal_scroll(path)
    page.open('/?q=chess+black')
    page.wait_answer('chess black', CHESS_BLACK)
    page.screenshot(outdir, 'phone.png')
    page.rows()[6].click()
    page.until('the details sheet', lambda: page.find(
        '#details-name').text.startswith('BLACK CHESS KNIGHT ROTATED')
        and 'Chess Symbols' in page.find('#details-list').text)
    page.no_horizontal_scroll('with the details open')
    page.screenshot(outdir, 'phone-details.png')


CHECKS = {
    'search_as_you_type': (check_search_as_you_type, {}),
    'details': (check_details, {}),
    'copy': (check_copy, {}),
    'no_script': (check_no_script, {'script': False}),
    'escaping': (check_escaping, {}),
    'back_button': (check_back_button, {}),
    'more': (check_more, {}),
    'emoji': (check_emoji, {}),
    'dark': (check_dark, {'dark': True}),
    'phone': (check_phone, {'size': PHONE, 'mobile': True}),
}


def test(name, charfinderd, outdir):
    run, page_options = CHECKS[name]
    if webdriver is None:
        cftest.skip('Selenium is not installed (Debian: python3-selenium)')
    for path, package in ((CHROMIUM, 'chromium'),
                          (CHROMEDRIVER, 'chromium-driver')):
        if not os.access(path, os.X_OK):
            cftest.skip(f'no {path} (Debian: {package})')
    os.makedirs(outdir, exist_ok=True)
    with cftest.Daemon.local(charfinderd, '--http-port', '0') as daemon:
        host, port = daemon.addresses(1, kind='http')[0]
        page = Page(f'http://{host}:{port}', **page_options)
        try:
            run(page, outdir)
            errors = page.console_errors()
            check(not errors, 'the console has errors:\n' + '\n'.join(errors))
        finally:
            page.close()
        daemon.stop()


if __name__ == '__main__':
    if len(sys.argv) != 4 or sys.argv[1] not in CHECKS:
        sys.exit(f'usage: browser.py {"|".join(CHECKS)} charfinderd OUTDIR')
    cftest.main(test)
