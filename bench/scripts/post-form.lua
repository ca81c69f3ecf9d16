-- A small urlencoded form POST, as a legacy form sends it (wrk -s).
wrk.method = "POST"
wrk.body = "message=hello+world&id=42"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
