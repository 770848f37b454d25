def test_login_page(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert 'name="email"' in response.text


def test_pages(org, login, make_client):
    c = make_client(advisor=org["advisor"], phone="0612345678", email="anne@example.fr")
    http = login(org["manager"])
    for url in ["/", "/clients/", f"/clients/{c.id}", "/clients/new", f"/clients/{c.id}/edit",
                "/clients/?q=rou", "/clients/picker?q=ro&picker=p1&field=client_id"]:
        r = http.get(url)
        assert r.status_code == 200, (url, r.text[:3000])
    admin = login(org["admin"])
    for url in ["/admin/users", "/admin/teams", f"/admin/users/{org['advisor'].id}",
                f"/admin/teams/{org['lyon'].id}", "/admin/users/new", "/admin/teams/new"]:
        r = admin.get(url)
        assert r.status_code == 200, (url, r.text[:3000])
