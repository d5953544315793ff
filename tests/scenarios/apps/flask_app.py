# A Flask application answering through a Jinja2 template (MarkupSafe's C escape), asked with Flask's
# test client; then what installed-package metadata says about it (importlib.metadata reads the
# distribution's *.dist-info: version, requirements, console script entry point).
import importlib.metadata as md

import flask
import markupsafe

app = flask.Flask("demo")

PAGE = """<ul>{% for item in items %}<li>{{ item }}</li>{% endfor %}</ul><p>{{ who|upper }}</p>"""


@app.route("/hello/<name>")
def hello(name):
    return flask.render_template_string(PAGE, items=["a<b", "c&d"], who=name)


@app.route("/api", methods=["POST"])
def api():
    data = flask.request.get_json()
    return flask.jsonify(total=sum(data["numbers"]), n=len(data["numbers"]))


client = app.test_client()
r = client.get("/hello/world")
print("GET", r.status_code, r.content_type)
print(r.get_data(as_text=True))
r = client.post("/api", json={"numbers": [1, 2, 3, 4]})
print("POST", r.status_code, r.get_json())
r = client.get("/missing")
print("404", r.status_code)

print("escape from", markupsafe.escape.__module__)
for dist in ("flask", "werkzeug", "jinja2", "markupsafe", "itsdangerous", "click"):
    print("version", dist, md.version(dist))
print("flask metadata", md.metadata("flask")["Name"], "|", md.metadata("flask")["Summary"])
print("flask requires", sorted(md.requires("flask") or []))
(ep,) = md.entry_points(group="console_scripts", name="flask")
print("console script", ep.name, ep.value, "->", ep.load().__module__, ep.load().__name__)
