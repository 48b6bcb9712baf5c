"""Checks that a `2cs sandbox serve` left behind by a fuzz run is whole: what it lists agrees with itself,
2cs can still read it, and it still takes writes.

Usage: python3 sandbox_consistency.py BASE_URL API_KEY 2CS_BINARY
Prints each failed check and a count, and exits 1 if any failed. Python's standard library only.
"""

import json
import os
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request

base_url, api_key, binary = sys.argv[1:4]
# The countries of the sandbox's catalog (Sources/Sandbox/CatalogSpec.swift).
CATALOG_COUNTRIES = ["GB", "US", "CA", "DE", "FR", "ES", "BR", "MX", "AU", "JP"]
failures = []
checks = 0


def check(condition, what):
    """Counts a check; prints it only when it fails."""
    global checks
    checks += 1
    if not condition:
        print("consistency: FAIL: " + what, flush=True)
        failures.append(what)
    return condition


def call(method, path, query=None, body=None):
    """(status, parsed JSON or None) of one request."""
    url = base_url.rstrip("/") + path + ("?" + urllib.parse.urlencode(query) if query else "")
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"X-User-API-Key": api_key})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    except (urllib.error.URLError, OSError) as error:
        check(False, f"{method} {path}: an answer (got {error})")
        return 0, None
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, None


def owned_numbers():
    """Every page of the owned-number list, and the count the first page gave."""
    numbers, page, count = [], 0, None
    while True:
        status, answer = call("GET", "/open/voip/virtual-numbers", {"page_number": page, "results_per_page": 100})
        if not check(status == 200 and answer and answer.get("success") is True, f"owned numbers, page {page}: 200"):
            return numbers, count
        count = answer.get("count") if count is None else count
        numbers += answer["numbers"]
        if len(answer["numbers"]) < 100:
            return numbers, count
        page += 1


def groups_of(country):
    status, answer = call("GET", "/open/numbers/groups", {"country": country})
    check(status == 200, f"groups of {country}: 200")
    return answer["data"]["groups"] if status == 200 else []


def available(group_id):
    status, answer = call("GET", "/open/numbers/available", {"group_id": group_id})
    check(status == 200, f"available numbers of {group_id}: 200")
    return {item["number"] for item in answer["data"]["numbers"]} if status == 200 else set()


def two_cs(program):
    """2cs run against the server, its JSON output parsed; state and config kept in a scratch folder."""
    with tempfile.TemporaryDirectory() as home:
        environment = dict(os.environ, HOME=home, XDG_STATE_HOME=home + "/state", XDG_CONFIG_HOME=home + "/config",
                           TWOCHAT_API_KEY=api_key)
        run = subprocess.run([binary, "--base-url", base_url, "--output", "json", "--yes", "-c", program],
                             capture_output=True, text=True, env=environment, timeout=120)
    if not check(run.returncode == 0, f"2cs -c '{program}': exit 0 (got {run.returncode}: {run.stderr.strip()[:300]})"):
        return None
    try:
        return json.loads(run.stdout)
    except ValueError:
        check(False, f"2cs -c '{program}': JSON output (got {run.stdout[:300]!r})")
        return None


def main():
    # What the account owns and holds.
    numbers, count = owned_numbers()
    check(count == len(numbers), f"owned-number count {count} is the {len(numbers)} numbers listed")
    uuids = [number["uuid"] for number in numbers]
    check(len(set(uuids)) == len(uuids), "no owned number is listed twice")
    phones = [number["phone_number"] for number in numbers]
    check(len(set(phones)) == len(phones), "no phone number was sold twice")
    held = [number for number in numbers if number["status_text"] in ("ACTIVE", "AWAITING_REGISTRATION")]

    status, info = call("GET", "/open/info")
    if check(status == 200, "info: 200"):
        check(info["usage"].get("owned_numbers") == len(held),
              f"info's owned_numbers {info['usage'].get('owned_numbers')} is the {len(held)} numbers not released")

    status, answer = call("GET", "/open/numbers/reservations")
    reservations = answer["data"]["reservations"] if check(status == 200, "reservations: 200") else []
    reserved = [reservation["number"] for reservation in reservations]
    check(len(set(reserved)) == len(reserved), "no number is reserved twice")
    check(not set(reserved) & set(phones), "no reserved number is also owned")
    check(all(r["reservation_date"] < r["reservation_end_date"] for r in reservations), "every reservation ends after it starts")

    # What is taken is no longer offered, and every reservation's group exists.
    for country in sorted({r["iso_country_code"] for r in reservations} | {n["iso_country_code"] for n in numbers} | {"GB"}):
        groups = {group["id"]: group for group in groups_of(country)}
        for reservation in (r for r in reservations if r["iso_country_code"] == country):
            check(reservation["did_group_id"] in groups, f"reservation {reservation['uuid']}'s group is in {country}'s groups")
        for group in groups.values():
            if group["allow_number_selection"]:
                offered = available(group["id"])
                check(not offered & (set(phones) | set(reserved)), f"group {group['id']} offers no taken number")

    # 2cs reads the same state.
    listed = two_cs("numbers")
    if listed is not None:
        check(sorted(n["uuid"] for n in listed) == sorted(uuids), f"2cs numbers lists the same {len(uuids)} numbers")
    listed = two_cs("reservations")
    if listed is not None:
        check(sorted(r["uuid"] for r in listed) == sorted(r["uuid"] for r in reservations),
              f"2cs reservations lists the same {len(reservations)} reservations")
    listed = two_cs("groups GB")
    if listed is not None:
        check(len(listed) > 0, f"2cs groups GB lists {len(listed)} groups")

    # Writes still work: reserve, cancel, buy and release a number of a group with some left (a long run may
    # have sold out a country's groups, so look in each country of the catalog, and at worst say so).
    group = None
    for country in CATALOG_COUNTRIES:
        group = next((g for g in groups_of(country) if g["allow_number_selection"] and len(available(g["id"])) > 2),
                     None)
        if group:
            break
    if group is None:
        print("consistency: note: every group that lets numbers be chosen is sold out; writes not tried")
    else:
        status, answer = call("POST", "/open/numbers/reservations", body={"group_id": group["id"]})
        if check(status == 201, f"reserve in {group['id']}: 201 (got {status})"):
            details = answer["data"]["reservation_details"]
            check(details["number"] not in available(group["id"]), "the reserved number is no longer offered")
            status, _ = call("DELETE", "/open/numbers/reservations/" + details["uuid"])
            check(status == 200, f"cancel reservation {details['uuid']}: 200 (got {status})")
            check(details["number"] in available(group["id"]), "the cancelled number is offered again")
        bought = two_cs(f"purchase {group['id']}")
        if bought is not None:
            mine, _ = owned_numbers()
            new = [n for n in mine if n["uuid"] not in uuids]
            if check(len(new) == 1, f"2cs purchase adds one number to the list (added {len(new)})"):
                status, _ = call("DELETE", "/open/voip/virtual-numbers/" + new[0]["uuid"])
                check(status == 200, f"release {new[0]['uuid']}: 200 (got {status})")


try:
    main()
except Exception as error:  # an answer without the fields the checks read
    check(False, f"the checks stopped: {error!r}")
print(f"consistency: {checks - len(failures)} of {checks} checks passed", flush=True)
sys.exit(1 if failures else 0)
