import time
from playwright.sync_api import expect
def test_timing(world, live_server, page, login_as, check_axe):
    T=time.monotonic
    t=T()
    for i in range(3):
        page.goto(f"{live_server}/login"); print("goto login", T()-t); t=T()
    page.get_by_label("Email address").fill(world.organiser.email); print("fill", T()-t); t=T()
    page.get_by_label("Password", exact=True).fill("correct horse battery"); print("fill", T()-t); t=T()
    page.get_by_role("button", name="Log in").click(); print("click", T()-t); t=T()
    expect(page.get_by_role("status").filter(has_text="Welcome")).to_be_visible(); print("expect", T()-t); t=T()
    for i in range(3):
        page.goto(f"{live_server}/o/testville/"); print("dash", T()-t); t=T()
