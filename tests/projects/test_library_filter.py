"""The project library's organisation filter: a choice of the organisations that hold what the
list shows (and those above them), indented by the tree, with ``?organisation=CODE`` as before."""
import re


def options(html: str) -> list[tuple[str, str]]:
    """(code, label) of the organisation filter's choices, the chosen one marked with a *."""
    select = re.search(r'<select name="organisation"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [(code + ("*" if chosen else ""), label) for code, chosen, label in
            re.findall(r'<option value="([^"]*)"\s*(selected)?>([^<]*)</option>', select)]


def titles(html: str) -> set[str]:
    return set(re.findall(r"<strong>([^<]+)</strong></a></header>", html))


def test_the_public_library_offers_the_organisations_holding_its_projects(world, client, make_project):
    make_project(world, state="recruiting", title="甲村读书会", org="LX-A-1")
    make_project(world, state="draft", title="乙镇草案", org="LX-B", by=world.b_manager)
    html = client.get("/projects").get_data(as_text=True)
    assert "Organisation code" not in html and 'name="organisation" value=' not in html  # no typed code
    # the village holds a public project; its town and city are offered above it, indented; town B
    # holds only a draft, which the public list does not show
    assert options(html) == [("", "不限组织"), ("LX", "临溪市团委"), ("LX-A", "\u3000甲镇团委"),
                             ("LX-A-1", "\u3000\u3000甲村团支部")]


def test_choosing_an_organisation_filters_its_subtree_and_stays_chosen(world, client, make_project):
    make_project(world, state="recruiting", title="甲村读书会", org="LX-A-1")
    make_project(world, state="running", title="乙镇河道清理", org="LX-B", by=world.b_manager)
    town_a = client.get("/projects?organisation=LX-A").get_data(as_text=True)
    assert titles(town_a) == {"甲村读书会"}
    assert ("LX-A*", "\u3000甲镇团委") in options(town_a)
    # a code typed in lower case, as links and bookmarks may have it, still works
    assert titles(client.get("/projects?organisation=lx-b").get_data(as_text=True)) == {"乙镇河道清理"}
    assert titles(client.get("/projects?organisation=LX").get_data(as_text=True)) == {"甲村读书会", "乙镇河道清理"}


def test_a_chosen_organisation_without_projects_stays_listed(world, client, make_project):
    make_project(world, state="recruiting", title="甲村读书会", org="LX-A-1")
    html = client.get("/projects?organisation=LX-B-1").get_data(as_text=True)
    assert titles(html) == set() and ("LX-B-1*", "乙村团支部") in options(html)


def test_staff_choose_only_within_their_scope(world, signed_in, make_project):
    make_project(world, state="draft", title="甲镇草案", org="LX-A-1")
    make_project(world, state="draft", title="乙镇草案", org="LX-B", by=world.b_manager)
    b_admin = options(signed_in(world.b_admin).get("/projects/manage").get_data(as_text=True))
    assert b_admin == [("", "不限组织"), ("LX-B", "乙镇团委")]
    city = signed_in(world.city_admin).get("/projects/manage?organisation=LX-A").get_data(as_text=True)
    assert options(city) == [("", "不限组织"), ("LX", "临溪市团委"), ("LX-A*", "\u3000甲镇团委"),
                             ("LX-A-1", "\u3000\u3000甲村团支部"), ("LX-B", "\u3000乙镇团委")]
    assert titles(city) == {"甲镇草案"}
