import json
from accord.api.testing import token_client

def test_smoke(acme, globex):
    c = token_client(acme, "owner")
    for url in ["/api/v1/workspace", "/api/v1/people", "/api/v1/functions", "/api/v1/members", "/api/v1/invitations", "/api/v1/audit",
                f"/api/v1/people/{acme.alice.uuid}", f"/api/v1/people/{acme.alice.uuid}/history", f"/api/v1/history/person/{acme.alice.uuid}",
                f"/api/v1/people/{globex.alice.uuid}", "/api/v1/people/nope", "/api/v1/nothing", "/api/v1/people?limit=500", "/api/v1/people?function=zz",
                "/api/v1/docs", "/api/v1/openapi.json"]:
        r = c.get(url)
        print(url, r.status_code, r.headers.get("Content-Type"), r.headers.get("ETag"), r.content[:400])
    r = c.post("/api/v1/people", {"name": "Zed", "email": "bad", "function": str(globex.sales.uuid), "skills": [{"name": "x", "proficiency": 9}]}, content_type="application/json")
    print(r.status_code, r.content)
    r = c.post("/api/v1/people", {"name": "Zed", "email": "bad", "function": str(globex.sales.uuid)}, content_type="application/json")
    print(r.status_code, r.content)
    r = c.post("/api/v1/people", {"name": "Zed", "email": "zed@acme.test", "function": str(acme.sales.uuid), "skills": [{"name": "SQL", "proficiency": 4}]}, content_type="application/json")
    print(r.status_code, r.headers.get("Location"), r.headers.get("ETag"), r.content)
    r = c.patch(f"/api/v1/people/{acme.bob.uuid}", {"title": "Lead"}, content_type="application/json", headers={"If-Match": '"7"'})
    print(r.status_code, r.headers.get("ETag"), r.content)
    r = c.patch(f"/api/v1/people/{acme.bob.uuid}", {"title": "Lead", "version": 1}, content_type="application/json", headers={"If-Match": '"1"'})
    print(r.status_code, r.headers.get("ETag"), r.content)
    r = c.patch(f"/api/v1/people/{acme.bob.uuid}", {"title": "Lead2", "version": 1}, content_type="application/json")
    print(r.status_code, r.headers.get("ETag"), r.content)
    r = c.patch(f"/api/v1/people/{acme.bob.uuid}", {"title": None}, content_type="application/json", headers={"If-Match": '2'})
    print(r.status_code, r.headers.get("ETag"), r.content)
    r = c.patch(f"/api/v1/people/{acme.bob.uuid}", "[1", content_type="application/json")
    print(r.status_code, r.content)
