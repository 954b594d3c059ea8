"""Calibration of the run's own final score, from the lines `prompt2mesh eval` printed.

usage: judge_calibration.py EVAL_LOG [LOOKED.json] [--name NAME]

Prints (and writes to bench/results/judge_calibration_<NAME>.json) the calibration AUC of
final_score against the suite checker's pass/fail and the overclaims (failing prompts scored
>= 7). With LOOKED.json ({id: "why it is wrong"}, written by a person who looked at the final
screenshots), it also gives the figures against "the checker passed it AND it looks right": the
checker reads node names, so a grey box named 'Giraffe' passes it.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from prompt2mesh.evaluation import calibrate

LINE = re.compile(r"^(PASS|FAIL)\s+(\S+)\s.*final score\s+([\d.]+|-)")


def main(argv: list[str]) -> int:
    log = Path(argv[0])
    looked = json.loads(Path(argv[1]).read_text()) if len(argv) > 1 and not argv[1].startswith("--") else {}
    name = argv[argv.index("--name") + 1] if "--name" in argv else log.stem
    rows = []
    for line in log.read_text().splitlines():
        m = LINE.match(line)
        if m:
            score = None if m.group(3) == "-" else float(m.group(3))
            rows.append((m.group(2), m.group(1) == "PASS", score))
    checker = calibrate([(ok, s) for _, ok, s in rows])
    human = calibrate([(ok and pid not in looked, s) for pid, ok, s in rows])
    out = {
        "log": str(log),
        "prompts": len(rows),
        "checker": {"auc": checker.auc, "overclaims": checker.overclaims, "failures": checker.failures},
        "checker_and_looked": {"auc": human.auc, "overclaims": human.overclaims, "failures": human.failures},
        "looked_wrong": looked,
    }
    print(f"{name}: vs checker: {checker.text()}")
    if looked:
        print(f"{name}: vs checker and a look: {human.text()}")
    results = Path(__file__).parent / "results"
    results.mkdir(exist_ok=True)
    (results / f"judge_calibration_{name}.json").write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
