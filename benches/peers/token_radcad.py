"""Burn-mint equilibrium in radCAD (cadCAD's maintained successor), the same model as
flopmarket-gate's `token` workload (benches/gate/src/token.rs): each weekly epoch mints
E = 100,000 tokens to providers who sell them all into a constant-product pool, and
D = 250,000 USD of demand buys tokens from the pool and burns them. Pool starts at 50M
USD against 50M tokens; supply 1e9. The price tends to D / E = 2.5 USD.

Three substeps per epoch, in flopmarket's order: mint, buy-and-burn, providers sell.

Usage: python token_radcad.py EPOCHS  ->  one line of JSON on stdout.
"""

import json
import sys
import time

import radcad
from radcad import Experiment, Model, Simulation

E, D = 100_000.0, 250_000.0


def p_mint(params, substep, history, state):
    return {"mint": params["emission"]}


def s_supply_mint(params, substep, history, state, inp):
    return "supply", state["supply"] + inp["mint"]


def p_burn(params, substep, history, state):
    k = state["pool_tokens"] * state["pool_usd"]
    usd_in = params["demand_usd"]
    new_tokens = k / (state["pool_usd"] + usd_in)
    return {"usd_in": usd_in, "tokens_out": state["pool_tokens"] - new_tokens}


def s_pool_usd_buy(params, substep, history, state, inp):
    return "pool_usd", state["pool_usd"] + inp["usd_in"]


def s_pool_tokens_buy(params, substep, history, state, inp):
    return "pool_tokens", state["pool_tokens"] - inp["tokens_out"]


def s_supply_burn(params, substep, history, state, inp):
    return "supply", state["supply"] - inp["tokens_out"]


def p_sell(params, substep, history, state):
    k = state["pool_tokens"] * state["pool_usd"]
    tokens_in = params["emission"]
    new_usd = k / (state["pool_tokens"] + tokens_in)
    return {"tokens_in": tokens_in, "usd_out": state["pool_usd"] - new_usd}


def s_pool_usd_sell(params, substep, history, state, inp):
    return "pool_usd", state["pool_usd"] - inp["usd_out"]


def s_pool_tokens_sell(params, substep, history, state, inp):
    return "pool_tokens", state["pool_tokens"] + inp["tokens_in"]


BLOCKS = [
    {"policies": {"mint": p_mint}, "variables": {"supply": s_supply_mint}},
    {
        "policies": {"burn": p_burn},
        "variables": {
            "pool_usd": s_pool_usd_buy,
            "pool_tokens": s_pool_tokens_buy,
            "supply": s_supply_burn,
        },
    },
    {
        "policies": {"sell": p_sell},
        "variables": {"pool_usd": s_pool_usd_sell, "pool_tokens": s_pool_tokens_sell},
    },
]


def main():
    epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    state = {"supply": 1e9, "pool_tokens": 50e6, "pool_usd": 50e6}
    params = {"emission": [E], "demand_usd": [D]}
    model = Model(initial_state=state, state_update_blocks=BLOCKS, params=params)
    sim = Simulation(model=model, timesteps=epochs, runs=1)
    start = time.perf_counter()
    result = Experiment(sim).run()
    wall = time.perf_counter() - start
    last = result[-1]
    print(json.dumps({
        "peer": "radcad " + getattr(radcad, "__version__", "?"),
        "epochs": epochs,
        "price": last["pool_usd"] / last["pool_tokens"],
        "supply": last["supply"],
        "wall_s": wall,
        "epochs_per_s": epochs / wall,
    }))


if __name__ == "__main__":
    main()
