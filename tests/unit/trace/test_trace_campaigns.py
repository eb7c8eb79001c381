"""Campaign linking: strong identifiers link, similar scripts need one more cue."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ordermoat.trace.campaigns import campaign_edges, link_campaigns

SCRIPT = "您好，我是淘宝客服，您购买的商品存在质量问题，我们将为您办理三倍理赔退款，请打开支付宝{}"
OTHER = ["你好，这里是快递公司，你的包裹在运输途中丢失了，需要核实信息", "恭喜您被抽中幸运用户，可以领取免费的理财课程和大礼包",
         "您的账户存在异常登录，请配合警方调查，将资金转入安全账户", "我是教育局的，你孩子的助学金已经下发，请提供银行卡号"]


def frame(rows: list[dict]) -> pd.DataFrame:
    base = {"caller_number": None, "payee_account": None, "loan_platforms": [], "transcript": "",
            "contacted_at": "2024-03-01"}
    df = pd.DataFrame([{**base, **r} for r in rows])
    df["contacted_at"] = pd.to_datetime(df["contacted_at"])
    return df


def same(labels: np.ndarray, i: int, j: int) -> bool:
    return bool(labels[i] == labels[j])


@pytest.mark.parametrize(
    ("a", "b", "linked"),
    [
        ({"caller_number": "+86 138-0000-1111"}, {"caller_number": "+8613800001111"}, True),
        ({"payee_account": "6222 0000 1"}, {"payee_account": "622200001"}, True),
        ({"caller_number": ""}, {"caller_number": ""}, False),  # blanks are missing, not shared
        # similar script + same platform, 20 days apart
        ({"transcript": SCRIPT.format("借呗"), "loan_platforms": ["借呗"], "contacted_at": "2024-03-01"},
         {"transcript": SCRIPT.format("借呗额度"), "loan_platforms": ["借呗", "微粒贷"], "contacted_at": "2024-03-21"}, True),
        # similar script + within 7 days, no platform in common
        ({"transcript": SCRIPT.format("借呗"), "loan_platforms": ["借呗"], "contacted_at": "2024-03-01"},
         {"transcript": SCRIPT.format("微粒贷"), "loan_platforms": ["微粒贷"], "contacted_at": "2024-03-05"}, True),
        # similar script, 20 days apart, different platforms: no second cue
        ({"transcript": SCRIPT.format("借呗"), "loan_platforms": ["借呗"], "contacted_at": "2024-03-01"},
         {"transcript": SCRIPT.format("微粒贷"), "loan_platforms": ["微粒贷"], "contacted_at": "2024-03-21"}, False),
        # similar script + same platform but 60 days apart: outside the window
        ({"transcript": SCRIPT.format("借呗"), "loan_platforms": ["借呗"], "contacted_at": "2024-01-01"},
         {"transcript": SCRIPT.format("借呗"), "loan_platforms": ["借呗"], "contacted_at": "2024-03-01"}, False),
        # the same platform, same day, different scripts: platforms alone never link
        ({"transcript": OTHER[0], "loan_platforms": ["借呗"]}, {"transcript": OTHER[1], "loan_platforms": ["借呗"]}, False),
    ],
)
def test_pairs(a: dict, b: dict, linked: bool) -> None:
    filler = [{"transcript": t} for t in OTHER[2:]]  # a corpus, so IDF means something
    labels = link_campaigns(frame([a, b, *filler]))
    assert same(labels, 0, 1) is linked


def test_links_are_transitive_and_labels_follow_first_contact() -> None:
    df = frame([
        {"caller_number": "111", "contacted_at": "2024-03-05"},
        {"caller_number": "111", "payee_account": "P9", "contacted_at": "2024-03-09"},
        {"payee_account": "P9", "contacted_at": "2024-03-02"},
        {"caller_number": "222", "contacted_at": "2024-03-01"},
        {"caller_number": "333", "contacted_at": None},
    ])
    assert link_campaigns(df).tolist() == ["k2", "k2", "k2", "k1", "k3"]
    reasons = set(campaign_edges(df)["reason"])
    assert reasons == {"caller_number", "payee_account"}


def test_blocks_do_not_change_the_answer() -> None:
    rng = np.random.default_rng(0)
    n = 60
    rows = [{"transcript": SCRIPT.format(["借呗", "微粒贷", "京东金条"][i % 3]) if i % 2 else OTHER[i % 4] + str(i),
             "loan_platforms": [["借呗", "微粒贷", "京东金条"][i % 3]],
             "contacted_at": pd.Timestamp("2024-01-01") + pd.Timedelta(days=int(rng.integers(0, 90)))}
            for i in range(n)]
    df = frame(rows)
    np.testing.assert_array_equal(link_campaigns(df, block=256), link_campaigns(df, block=7))
    assert len(set(link_campaigns(df))) < n  # some scripts did link


def test_empty_and_minimal_frames() -> None:
    assert link_campaigns(frame([{"caller_number": "1"}])[:0]).tolist() == []
    assert link_campaigns(frame([{"caller_number": "1"}])).tolist() == ["k1"]
