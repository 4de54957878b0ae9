#!/usr/bin/env python3
"""Records Gymnasium reference trajectories for the classic-control environments that have no
file in ../shared/reference (Acrobot-v1, MountainCar-v0, MountainCarContinuous-v0), in the same
format as those files (see test/fixtures/reference/README.md).

Needs Gymnasium's own environment source on PYTHONPATH, i.e. a `gymnasium` package whose
`gymnasium.envs.classic_control.{acrobot,mountain_car,continuous_mountain_car}` modules are
Gymnasium's files (a full `pip install gymnasium` works; so does a folder holding just those
files plus the few modules they import). Only NumPy is needed besides.

    PYTHONPATH=/path/to/gymnasium-source python3 scripts/reference/record.py [--out DIR]
        [--gymnasium-commit SHA] [--gymnasium-version VERSION] [ENV_ID ...]

The TimeLimit wrapper that gymnasium.make() adds is reproduced here (TimeLimitLike) so that
this works without Gymnasium's registration machinery: truncated = elapsed steps since the
reset >= max_episode_steps, exactly gymnasium/wrappers/common.py TimeLimit.step.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
from typing import Any, Callable

import numpy as np

try:
    import gymnasium
    from gymnasium.envs.classic_control.acrobot import AcrobotEnv
    from gymnasium.envs.classic_control.continuous_mountain_car import Continuous_MountainCarEnv
    from gymnasium.envs.classic_control.mountain_car import MountainCarEnv
except ImportError as e:
    sys.exit(f"record.py needs Gymnasium's environment source on PYTHONPATH ({e}); see the docstring")

MAX_STEPS_RECORDED = 200
SEEDS = [0, 1, 2]

Policy = Callable[[int, Any], Any]  # (step index, unwrapped env) -> action


class TimeLimitLike:
    """gymnasium.wrappers.TimeLimit: counts steps since reset, truncates at the limit."""

    def __init__(self, env: Any, max_episode_steps: int):
        self.unwrapped = env
        self.max_episode_steps = max_episode_steps
        self.elapsed = 0

    def reset(self, seed: int):
        self.elapsed = 0
        return self.unwrapped.reset(seed=seed)

    def step(self, action: Any):
        obs, reward, terminated, truncated, info = self.unwrapped.step(action)
        self.elapsed += 1
        if self.elapsed >= self.max_episode_steps:
            truncated = True
        return obs, reward, terminated, truncated, info


def floats(values: Any) -> list[float]:
    return [float(v) for v in np.asarray(values, dtype=np.float64).ravel()]


def action_json(action: Any) -> Any:
    if isinstance(action, np.ndarray):
        return floats(action)  # float32 values, written as doubles
    return int(action)


def observe(env: Any) -> list[float]:
    """The observation of the current internal state, as the env's reset()/step() returns it."""
    if isinstance(env, AcrobotEnv):
        return floats(env._get_ob())
    return floats(np.array(env.state, dtype=np.float32))


def run_episode(
    make: Callable[[], Any], max_steps: int, seed: int, policy: Policy, set_state: list[float] | None
) -> dict[str, Any]:
    env = TimeLimitLike(make(), max_steps)
    obs, _ = env.reset(seed=seed)
    episode: dict[str, Any] = {"seed": seed}
    if set_state is not None:
        # As `env.unwrapped.state = ...` after reset: float64, like the state reset() draws.
        env.unwrapped.state = np.array(set_state, dtype=np.float64)
        episode["set_state"] = [float(v) for v in set_state]
        obs = observe(env.unwrapped)
    episode["reset_obs"] = floats(obs)
    episode["reset_state"] = floats(env.unwrapped.state)
    steps = []
    for i in range(MAX_STEPS_RECORDED):
        action = policy(i, env.unwrapped)
        obs, reward, terminated, truncated, _ = env.step(action)
        steps.append(
            {
                "action": action_json(action),
                "obs": floats(obs),
                "reward": float(reward),
                "terminated": bool(terminated),
                "truncated": bool(truncated),
                "state": floats(env.unwrapped.state),
            }
        )
        if terminated or truncated:
            break
    episode["steps"] = steps
    return episode


# --- policies (written into the file as action_rule) -------------------------------------------


def cycle3(i: int, _env: Any) -> int:
    return i % 3


def pump_discrete(_i: int, env: Any) -> int:
    """Push in the direction of motion: the energy-pumping controller that reaches the flag."""
    return 2 if float(env.state[1]) >= 0 else 0


def acrobot_pump(_i: int, env: Any) -> int:
    """Torque along the first joint's angular velocity: pumps energy until the tip is high."""
    return 2 if float(env.state[2]) >= 0 else 0


def mcc_wave(i: int, _env: Any) -> np.ndarray:
    return np.array([1.3 * math.sin(0.1 * i)], dtype=np.float32)


def mcc_pump(i: int, env: Any) -> np.ndarray:
    direction = 1.0 if float(env.state[1]) >= 0 else -1.0
    return np.array([direction * (0.6 + 0.6 * abs(math.sin(0.3 * i)))], dtype=np.float32)


ENVS: dict[str, dict[str, Any]] = {
    "Acrobot-v1": {
        "make": AcrobotEnv,
        "source_commit": "9fa9225b4a12852c58b4e096535504026f9443ac",
        "max_episode_steps": 500,
        "action_rule": "episodes: i % 3; state_episodes: 2 if theta1_dot >= 0 else 0 (state before the step)",
        "episode_policy": cycle3,
        "state_policy": acrobot_pump,
        # [theta1, theta2, theta1_dot, theta2_dot]: hanging (200 steps of pumping), near the top
        # (terminates at once), near the velocity bounds 4 pi and 9 pi (bounding, wrapping), the
        # second link spinning (angle wrapping over 35 and 200 steps).
        "set_states": [
            [0.1, -0.1, 0.0, 0.0],
            [3.1, 0.05, 0.5, -0.5],
            [-3.1, 3.1, -12.4, 28.0],
            [1.0, 2.0, 12.5, -28.2],
            [0.0, 3.0, 0.0, 8.0],
            [0.0, 2.5, 0.0, -9.0],
        ],
    },
    "MountainCar-v0": {
        "make": MountainCarEnv,
        "source_commit": "5af90e379d069e4cba7c8db44d4135466f209183",
        "max_episode_steps": 200,
        "action_rule": "episodes: i % 3; state_episodes: 2 if velocity >= 0 else 0 (state before the step)",
        "episode_policy": cycle3,
        "state_policy": pump_discrete,
        # [position, velocity]: from the valley (reaches the flag), at the left wall moving left
        # (position clipped, velocity zeroed), near the speed limit, at the goal, at the wall at
        # rest, on the left slope at the speed limit (velocity clipped), past the goal (position
        # clipped at 0.6).
        "set_states": [
            [-0.5, 0.0],
            [-1.15, -0.06],
            [-0.3, 0.0699],
            [0.45, 0.02],
            [-1.2, 0.0],
            [-0.9, 0.0695],
            [0.58, 0.05],
        ],
    },
    "MountainCarContinuous-v0": {
        "make": Continuous_MountainCarEnv,
        "source_commit": "f0fcd8fbaaf0aee3a92c9ef64d054ecc9c37cf99",
        "max_episode_steps": 999,
        "action_rule": "episodes: [float32(1.3*sin(0.1*i))]; state_episodes: "
        "[float32(s*(0.6 + 0.6*|sin(0.3*i)|))], s = 1 if velocity >= 0 else -1 (state before the step)",
        "episode_policy": mcc_wave,
        "state_policy": mcc_pump,
        "set_states": [
            [-0.5, 0.0],
            [-1.15, -0.06],
            [-0.3, 0.0699],
            [0.4, 0.02],
            [-1.2, 0.0],
            [-0.9, 0.0695],
            [0.58, 0.05],
        ],
    },
}


def record(env_id: str, commit: str | None, version: str) -> dict[str, Any]:
    spec = ENVS[env_id]
    commit = commit or spec["source_commit"]
    episodes = [
        run_episode(spec["make"], spec["max_episode_steps"], seed, spec["episode_policy"], None)
        for seed in SEEDS
    ]
    state_episodes = [
        run_episode(spec["make"], spec["max_episode_steps"], SEEDS[k % len(SEEDS)], spec["state_policy"], s)
        for k, s in enumerate(spec["set_states"])
    ]
    return {
        "env_id": env_id,
        "gymnasium_commit": commit,
        "gymnasium_version": version,
        "numpy_version": np.__version__,
        "python_version": platform.python_version(),
        "max_episode_steps": spec["max_episode_steps"],
        "max_steps_recorded": MAX_STEPS_RECORDED,
        "action_rule": spec["action_rule"],
        "notes": "obs are float32 values written as doubles; state = float64 internal env.unwrapped.state "
        "after the step; episodes = reset(seed) (PCG64 initial state, exact float64 start in reset_state); "
        "state_episodes = reset(seed) then env.unwrapped.state := set_state",
        "episodes": episodes,
        "state_episodes": state_episodes,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser.add_argument("--out", default=os.path.join(root, "test", "fixtures", "reference"))
    # Defaults: the commits of the Gymnasium files these were first recorded from (GitHub
    # Farama-Foundation/Gymnasium), and the installed package's version when it has one.
    parser.add_argument("--gymnasium-commit", default=None, help="default: ENVS[id].source_commit")
    parser.add_argument("--gymnasium-version", default=getattr(gymnasium, "__version__", "unknown"))
    parser.add_argument("envs", nargs="*", default=list(ENVS))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for env_id in args.envs:
        data = record(env_id, args.gymnasium_commit, args.gymnasium_version)
        path = os.path.join(args.out, f"{env_id}.json")
        with open(path, "w") as f:
            json.dump(data, f, indent=1)
            f.write("\n")
        lengths = [len(e["steps"]) for e in data["episodes"] + data["state_episodes"]]
        ends = [
            ("T" if e["steps"][-1]["terminated"] else "") + ("t" if e["steps"][-1]["truncated"] else "")
            for e in data["episodes"] + data["state_episodes"]
        ]
        print(f"{path}: episode lengths {lengths} ends {ends}", file=sys.stderr)


if __name__ == "__main__":
    main()
