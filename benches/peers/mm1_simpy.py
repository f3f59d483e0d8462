"""M/M/1 queue in SimPy, the idiomatic way (a source process, a customer process per
arrival, a Resource of capacity 1): lambda = 0.9/s, mu = 1/s, as flopmarket's mm1.

Usage: python mm1_simpy.py CUSTOMERS  ->  one line of JSON on stdout.
"""

import json
import random
import sys
import time

import simpy

LAMBDA, MU = 0.9, 1.0


class Stats:
    served = 0
    time_in_system = 0.0


def customer(env, server, rng, stats):
    arrived = env.now
    with server.request() as req:
        yield req
        yield env.timeout(rng.expovariate(MU))
    stats.served += 1
    stats.time_in_system += env.now - arrived


def source(env, server, rng, stats):
    while True:
        yield env.timeout(rng.expovariate(LAMBDA))
        env.process(customer(env, server, rng, stats))


def main():
    customers = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    rng = random.Random(1)
    env = simpy.Environment()
    server = simpy.Resource(env, capacity=1)
    stats = Stats()
    env.process(source(env, server, rng, stats))
    start = time.perf_counter()
    env.run(until=customers / LAMBDA)
    wall = time.perf_counter() - start
    events = next(env._eid)  # events SimPy scheduled (internal counter)
    print(json.dumps({
        "peer": "simpy " + simpy.__version__,
        "served": stats.served,
        "simpy_events": events,
        "mean_time_in_system_s": stats.time_in_system / max(stats.served, 1),
        "wall_s": wall,
        "served_per_s": stats.served / wall,
    }))


if __name__ == "__main__":
    main()
