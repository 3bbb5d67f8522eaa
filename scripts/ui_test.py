"""Drives the operator page in headless Chromium: sign in, approve the example agent's refund,
and check through the API that the run completed. Run by scripts/ui-test, which starts the
server and the agent: ui_test.py URL OPERATOR_KEY AGENT_KEY [SCREENSHOT_DIR]."""
import json
import os
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.support.ui import WebDriverWait

url, operator_key, agent_key = sys.argv[1], sys.argv[2], sys.argv[3]
shots = sys.argv[4] if len(sys.argv) > 4 and sys.argv[4] else None


def api(path):
    request = urllib.request.Request(url + path, headers={"Authorization": "Bearer " + agent_key})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def expect(condition, what):
    if not condition:
        print("ui-test: FAILED: " + what + "\n  at " + browser.current_url)
        print(browser.find_element(By.TAG_NAME, "main").text[:2000])
        sys.exit(1)


def click_and_load(element):
    """Clicks a button or link and waits for the next page: a check made at once would read the old one."""
    old = browser.find_element(By.TAG_NAME, "html")
    element.click()

    def left(_):
        # The old page is gone once its element cannot be asked about. Chromium says so as a stale
        # element, or, when asked in the middle of the navigation, as a node that "does not belong
        # to the document" (staleness_of alone let that one through as a failure).
        try:
            old.is_enabled()
            return False
        except (StaleElementReferenceException, WebDriverException):
            return True

    WebDriverWait(browser, 15).until(left)


def snap(name):
    if shots:
        os.makedirs(shots, exist_ok=True)
        height = browser.execute_script("return document.body.scrollHeight")
        browser.set_window_size(1280, max(720, min(height + 40, 2400)))
        browser.save_screenshot(os.path.join(shots, name + ".png"))
        browser.set_window_size(1280, 900)


options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900"]:
    options.add_argument(flag)
browser = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
browser.implicitly_wait(5)
try:
    browser.get(url + "/ui")
    expect(browser.current_url.endswith("/ui/login"), "an unsigned visit goes to the sign-in page")
    snap("login")

    browser.find_element(By.NAME, "key").send_keys("as_not_a_key")
    click_and_load(browser.find_element(By.CSS_SELECTOR, "form.login button"))
    expect("That key is not valid." in browser.page_source, "a wrong key is refused on the page")

    browser.find_element(By.NAME, "key").send_keys(operator_key)
    click_and_load(browser.find_element(By.CSS_SELECTOR, "form.login button"))
    expect(browser.current_url.endswith("/ui/runs"), "signing in lands on the runs")
    cookie = browser.get_cookie("agentstate_ui")
    expect(cookie is not None and cookie["httpOnly"] and cookie["sameSite"] == "Strict", "the session cookie is HttpOnly and SameSite=Strict")
    row = browser.find_element(By.XPATH, "//tr[td/a[text()='refund-1001']]")
    expect("waiting_for_approval" in row.text, "the run waits for approval in the list")
    snap("runs")

    click_and_load(browser.find_element(By.LINK_TEXT, "Approvals"))
    row = browser.find_element(By.XPATH, "//tr[td[contains(., 'Refund 120 EUR')]]")
    snap("approvals")
    approve = row.find_element(By.CSS_SELECTOR, "form.approve")
    approve.find_element(By.NAME, "comment").send_keys("Checked the photos of the broken parcel")
    click_and_load(approve.find_element(By.TAG_NAME, "button"))
    expect(browser.current_url.endswith("/ui/approvals"), "deciding returns to the approvals")
    expect("Nothing waits for a decision." in browser.page_source, "the approval left the pending list")
    decided = browser.find_element(By.XPATH, "//h2[text()='Decided lately']/following-sibling::table[1]")
    expect("approved" in decided.text and "Olga (ops)" in decided.text, "the decision shows who made it")

    run = None
    for _ in range(150):
        run = api("/v1/runs/refund-1001")
        if run["status"] == "completed":
            break
        time.sleep(0.2)
    expect(run["status"] == "completed", "the agent completed the run after the approval (status " + run["status"] + ")")
    approvals = api("/v1/approvals?run_id=refund-1001")["items"]
    expect(approvals[0]["status"] == "approved" and "Olga (ops)" in approvals[0]["decided_by"], "the API shows the approval by the operator")
    expect(approvals[0]["comment"] == "Checked the photos of the broken parcel", "the comment was kept")

    browser.get(url + "/ui/runs/refund-1001")
    expect("completed" in browser.find_element(By.CSS_SELECTOR, "dl.facts").text, "the run page shows it completed")
    expect("re_1001" in browser.page_source, "the run page shows the payment's external id")
    snap("run")
    click_and_load(browser.find_element(By.LINK_TEXT, "replay to here"))
    expect("As the run stood after event 1" in browser.page_source, "replay shows the run at an earlier event")

    browser.get(url + "/ui/sessions/chat-1001")
    expect("lookup_order" in browser.page_source and "call-1" in browser.page_source, "the transcript shows the tool call")
    snap("session")
    browser.get(url + "/ui/health")
    expect("Store" in browser.page_source and "ok" in browser.page_source, "the health panel shows the store")
    snap("health")

    click_and_load(browser.find_element(By.CSS_SELECTOR, "header form button"))
    expect(browser.current_url.endswith("/ui/login"), "signing out returns to the sign-in page")
    browser.get(url + "/ui/runs")
    expect(browser.current_url.endswith("/ui/login"), "after signing out the pages need a new sign-in")
    print("ui-test: signed in, approved, saw the run complete, replayed it, read the session and health, signed out")
finally:
    browser.quit()
