"""The words of a scam report: varied transcript templates by script style."""

from __future__ import annotations

import numpy as np

__all__ = ["STYLES", "LOAN_PLATFORMS", "transcript"]

LOAN_PLATFORMS = ("蚂蚁借呗", "招联好期贷", "来分期", "京东金条", "微粒贷", "360借条", "度小满", "美团月付")
STYLES = ("refund", "recall", "compensation", "membership", "verify")

_OPEN = {
    "refund": ["自称是淘宝店铺客服，说我买的{item}质量有问题，要给我办理双倍退款。",
               "对方说是商家售后，{item}检测出不合格，要主动给我退款{money}元。"],
    "recall": ["来电人说是平台客服，我{created}下单的{item}这批次被召回了，要退款并赔偿。",
               "说是厂家质检部门，{item}批次有安全隐患，需要召回理赔。"],
    "compensation": ["自称快递公司理赔专员，说我的快递在运输中丢失了，要按三倍赔偿。",
                     "说是物流客服，包裹被污染没法派送，给我理赔{money}元。"],
    "membership": ["说我开通了平台的百万保障会员，不取消每月扣费800元，会影响征信。",
                   "客服说我误开通了商家代理权限，要帮我关闭，否则每月自动扣款。"],
    "verify": ["自称客服，说退款要先核验身份，让我把收到的验证码告诉他。",
               "对方说订单异常被冻结，需要提供短信验证码解冻退款通道。"],
}
_KNOW = ["对方准确说出了{facts}，所以我相信了。", "他能说出{facts}，跟我的订单一模一样。",
         "电话里报出了{facts}，我以为真是官方客服。"]
_LOAN = ["让我打开{loan}看看额度，说是把钱借出来“验证流水”，之后会原路退回。",
         "说退款要走{loan}的备用金通道，让我借了一笔钱出来。",
         "引导我在{loan}上申请借款，说是“解冻资金”后马上注销。"]
_PAY = ["然后让我扫他发的二维码转账到{payee}。", "让我把钱转到{payee}，说是平台的安全账户。",
        "发来一个收款二维码，收款方是{payee}。"]
_END_LOSS = ["转了{loss}元后对方就失联了。", "一共被骗{loss}元，发现后马上报警。", "损失{loss}元，来电号码是{caller}。"]
_END_SAFE = ["我觉得不对劲挂断了，没有转账。", "家人提醒是诈骗，没有损失，来电号码{caller}。", "没有按他说的做，特此举报。"]

_FACT_NAMES = {"buyer_name": "我的名字{buyer_name}", "item_title": "买的{item_title}", "created_at": "下单时间{created_at}",
               "amount": "金额{amount}元", "address": "收货地址{address}", "buyer_phone": "我的手机号", "order_id": "订单号{order_id}"}


def transcript(rng: np.random.Generator, style: str, recited: dict[str, str], loans: list[str],
               payee: str | None, loss: float, caller: str) -> str:  # fmt: skip
    """A buyer's account of one scam contact."""
    pick = lambda xs: xs[int(rng.integers(0, len(xs)))]  # noqa: E731
    item = recited.get("item_title", "商品")
    text = pick(_OPEN[style]).format(item=item, created=recited.get("created_at", "前几天"), money=int(rng.integers(2, 40)) * 50)
    if recited:
        facts = "、".join(_FACT_NAMES[k].format(**recited) for k in recited if k in _FACT_NAMES)
        text += pick(_KNOW).format(facts=facts)
    if loans:
        text += pick(_LOAN).format(loan="和".join(loans))
    if payee:
        text += pick(_PAY).format(payee=payee)
    text += (pick(_END_LOSS) if loss > 0 else pick(_END_SAFE)).format(loss=f"{loss:.0f}", caller=caller)
    return text
