"""Summarise token counts of a JSONL chat log, per model and per day.

Usage: python tokenizer_stats.py requests.jsonl [--top 10] [--csv out.csv]
"""

import argparse
import csv
import json
import statistics
import sys
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("log", type=Path, help="JSON lines, one request per line")
    parser.add_argument("--top", type=int, default=10, help="models to show")
    parser.add_argument("--csv", type=Path, help="also write a per-day CSV here")
    return parser.parse_args(argv)


def read_records(path):
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            line = line.strip()
            if not line:
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                print(f"{path}:{number}: skipped ({error.msg})", file=sys.stderr)
                continue
            usage = record.get("usage") or {}
            yield {
                "model": record.get("model", "unknown"),
                "day": datetime.fromtimestamp(record.get("created", 0), tz=timezone.utc).date(),
                "prompt": int(usage.get("prompt_tokens", 0)),
                "completion": int(usage.get("completion_tokens", 0)),
                "finish": (record.get("choices") or [{}])[0].get("finish_reason"),
            }


def percentile(values, fraction):
    if not values:
        return 0
    ordered = sorted(values)
    index = min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))
    return ordered[index]


def summarise(records):
    per_model = defaultdict(list)
    per_day = defaultdict(lambda: Counter(prompt=0, completion=0, requests=0))
    finishes = Counter()
    for record in records:
        per_model[record["model"]].append(record)
        day = per_day[record["day"]]
        day["prompt"] += record["prompt"]
        day["completion"] += record["completion"]
        day["requests"] += 1
        finishes[record["finish"]] += 1
    return per_model, per_day, finishes


def print_models(per_model, top):
    rows = sorted(per_model.items(), key=lambda item: -len(item[1]))[:top]
    print(f"{'model':<32} {'requests':>9} {'p50 out':>8} {'p95 out':>8} {'mean in':>8}")
    for model, records in rows:
        completions = [r["completion"] for r in records]
        prompts = [r["prompt"] for r in records]
        print(
            f"{model:<32} {len(records):>9} "
            f"{percentile(completions, 0.5):>8} {percentile(completions, 0.95):>8} "
            f"{statistics.fmean(prompts):>8.0f}"
        )


def write_csv(path, per_day):
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["day", "requests", "prompt_tokens", "completion_tokens"])
        for day in sorted(per_day):
            counts = per_day[day]
            writer.writerow([day.isoformat(), counts["requests"], counts["prompt"], counts["completion"]])


def main(argv=None):
    args = parse_args(argv)
    if not args.log.exists():
        print(f"no such file: {args.log}", file=sys.stderr)
        return 2
    per_model, per_day, finishes = summarise(read_records(args.log))
    if not per_model:
        print("no usable records", file=sys.stderr)
        return 1
    print_models(per_model, args.top)
    print()
    total = sum(finishes.values())
    for reason, count in finishes.most_common():
        print(f"finish_reason={reason}: {count} ({count / total:.1%})")
    if args.csv:
        write_csv(args.csv, per_day)
        print(f"wrote {args.csv}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
