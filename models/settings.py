"""Every setting a link or the sidebar can change, each written once: its name in the link, the
field it sets, its default, its bounds, its label and help.

Everything else reads them from here: `ModelSpec`, `TrainConfig` and `DataSpec` take their
defaults and validation, `models.urlstate` its URL parameters, the sidebar its widgets' bounds,
labels and help, and README's URL table is checked against it (tests/unit/test_settings_table.py).
Standard library only, so the lowest module of all can import it."""

from __future__ import annotations

from dataclasses import dataclass

# fmt: off
# The kinds of value: a whole number, a number, comma lists (of whole numbers, numbers,
# `variant.k` items or names), a name.
INT, FLOAT, INT_LIST, FLOAT_LIST = "int", "float", "int list", "float list"
PAIR_LIST, NAME_LIST, CHOICE = "pair list", "name list", "choice"
# fmt: on
# The classes whose field a setting fills.
SPEC, TRAIN, DATA = "ModelSpec", "TrainConfig", "DataSpec"


@dataclass(frozen=True)
class Setting:
    """One setting. Bounds are inclusive; a list's `low`/`high` bound each of its items.

    Bounds of None mean "bounded elsewhere": `k` by its variant, the variant by the registry
    (`models.architectures.variants.VARIANTS`). `note` says what bounds the value beyond these
    (another setting); `help` may name its bounds, as in "Up to {max_len} conv layers".
    """

    key: str  # the name in the link (and the widget's session-state key)
    field: str  # the attribute it sets on each class in `sets`
    sets: tuple[str, ...]
    kind: str
    default: object
    label: str  # the widget's label
    meaning: str  # README's description
    help: str = ""
    low: float | None = None
    high: float | None = None
    min_len: int = 0
    max_len: int = 0
    items: str = ""  # what a list's entries are called, plural
    choices: tuple[str, ...] = ()
    options: tuple[float, ...] = ()  # the values a select slider offers, low to high
    note: str = ""
    default_text: str = ""  # README's default, when the value itself says nothing

    def help_text(self, **extra) -> str:
        """The help with its bounds (and `extra`) filled in."""
        return self.help.format(low=self.low, high=self.high, max_len=self.max_len, **extra)

    def allowed(self, choices: tuple[str, ...] = ()) -> str:
        """README's "allowed" column: the bounds in words ("1–16", "0–6 conv layers, …")."""
        names = choices or self.choices
        if self.kind == CHOICE:
            words = ", ".join(f"`{name}`" for name in names)
        elif self.kind in (INT_LIST, FLOAT_LIST, PAIR_LIST, NAME_LIST):
            words = f"{self.min_len}–{self.max_len} {self.items}"
            if self.low is not None:
                words += f", {show(self.low)}–{show(self.high)} each"
        else:
            words = f"{show(self.low)}–{show(self.high)}" if self.low is not None else ""
        return ", ".join(part for part in (words, self.note) if part)


def show(value) -> str:
    """A number as the page and README write it: 10, 0.001, 1e-5 (never 1e-05)."""
    if isinstance(value, float):
        return f"{value:g}".replace("e-0", "e-").replace("e+0", "e+")
    return str(value)


def problem(setting: Setting, value, name: str | None = None) -> str | None:
    """What is wrong with `value` for `setting`, as a sentence naming its bounds, or None."""
    name = name or setting.field
    low, high = setting.low, setting.high
    if setting.kind == CHOICE:
        if setting.choices and value not in setting.choices:
            return f"Unknown {name} {value!r}; use one of {', '.join(setting.choices)}."
        return None
    if setting.kind == NAME_LIST:
        if len(value) > setting.max_len:
            return f"{name} takes at most {setting.max_len} {setting.items}; got {len(value)}"
        odd = [item for item in value if not (item and item.replace("_", "").isalnum())]
        return f"{odd[0]!r} is not a layer name" if odd else None
    if setting.kind in (INT_LIST, FLOAT_LIST, PAIR_LIST):
        if not setting.min_len <= len(value) <= setting.max_len:
            return (
                f"{name} needs {setting.min_len} to {setting.max_len} {setting.items}; "
                f"got {len(value)}."
            )
        outside = [item for item in value if low is not None and not low <= item <= high]
        if outside:
            return f"{name} must be between {low} and {high} each; got {outside[0]}."
        return None
    if low is not None and not low <= value <= high:  # NaN is outside every range
        return f"{name} must be between {show(low)} and {show(high)}; got {value}."
    return None


def first_problem(holder, settings) -> str | None:
    """The first of `settings` whose field on `holder` is out of bounds, in words, or None."""
    for setting in settings:
        if found := problem(setting, getattr(holder, setting.field)):
            return found
    return None


# fmt: off
# --- The model (ModelSpec): one browser session must not ask for an unreasonable model. ---
VARIANT = Setting("variant", "variant", (SPEC,), CHOICE, "hard", "Variant",
                  "how layers are shared (see *Variants and `shared_layers`*)")
SHARED_LAYERS = Setting("k", "shared_layers", (SPEC,), INT, 5, "Shared layers", "shared layers",
                        note="the variant's range")
FEATURES = Setting(
    "features", "n_features", (SPEC,), INT, 4, "Features (input series)",
    "features (input series)",
    help="One task per feature forecasts each of them, as in the question.",
    low=1, high=16,
)
EXTRA_INPUTS = Setting(
    "extra", "extra_inputs", (SPEC,), INT, 0, "Of which inputs only",
    "of which inputs only (the last ones; tasks = features − extra)",
    help="The last features are read but not forecast: tasks = features − inputs only.",
    low=0, high=FEATURES.high - 1, note="fewer than `features`",
)
TIMESTEPS = Setting("timesteps", "timesteps", (SPEC,), INT, 10, "Time steps in",
                    "input window length", low=2, high=512)
HORIZON = Setting("horizon", "horizon", (SPEC,), INT, 10, "Forecast horizon", "forecast length",
                  low=1, high=128)
CONV_FILTERS = Setting(
    "filters", "conv_filters", (SPEC,), INT_LIST, (8, 16, 32), "Conv filters (comma list)",
    "conv filters, comma list (one per conv layer)",
    help="Up to {max_len} conv layers, e.g. 8, 16, 32.",
    low=1, high=256, min_len=0, max_len=6, items="conv layers",
)
KERNEL_SIZE = Setting(
    "kernel", "kernel_size", (SPEC,), INT, 3, "Kernel size", "conv kernel size",
    low=1, high=TIMESTEPS.high, note="and short enough for the sequence",
)
DENSE_UNITS = Setting(
    "units", "dense_units", (SPEC,), INT_LIST, (200, 100), "Dense units (comma list)",
    "dense units, comma list", help="1 to {max_len} dense layers, e.g. 200, 100.",
    low=1, high=1024, min_len=1, max_len=4, items="dense layers",
)
ACTIVATION = Setting(
    "activation", "activation", (SPEC,), CHOICE, "relu", "Activation", "hidden activation",
    choices=("relu", "tanh", "gelu", "elu", "sigmoid", "linear"),
)
TASK_GROUPS = Setting(
    "groups", "task_groups", (SPEC,), INT_LIST, (), "Task groups (comma list)",
    "the branch each task joins after the trunk, one number per task (branched variant)",
    help="Tasks with the same number share a branch after the trunk: 1, 1, 2, 2 gives tasks 1-2 "
    "one branch and 3-4 another; 1, 2, 3, 4 is hard sharing, 1, 1, 1, 1 one trunk.",
    low=1, high=FEATURES.high, min_len=0, max_len=FEATURES.high, items="tasks",
    note="one per task", default_text="two branches: the first half of the tasks and the rest",
)
FROZEN = Setting(
    "frozen", "frozen", (SPEC,), NAME_LIST, (), "Frozen layer objects",
    "layer objects that do not train (`trainable = False`), comma list",
    help="A frozen layer object keeps its starting weights in every one of its calls: "
    "`trainable` belongs to the object, not to a call.",
    max_len=64, items="layer names", note="names of this model's layers with weights",
    default_text="none",
)

# --- Training (TrainConfig) and the toy data (DataSpec). ---
EPOCHS = Setting(  # the presets' best epochs on the default toy data are about 20-50 (README)
    "epochs", "epochs", (TRAIN,), INT, 60, "Epochs", "training epochs", low=1, high=5000)
LEARNING_RATE = Setting(
    "lr", "learning_rate", (TRAIN,), FLOAT, 1e-3, "Learning rate", "Adam learning rate",
    low=1e-5, high=10.0,
    options=(1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0, 3.0, 10.0),
)
# 1,000 windows by default: the question's models learn the series instead of memorising 100
# (train loss 0.01, validation 2.4). At most 2,000: 2,000 windows of 512 steps are ~1M steps.
SAMPLES = Setting(
    "samples", "samples", (DATA,), INT, 1000, "Training windows", "training windows",
    help="Windows to train on (validation has its own {val_windows:,}, later in the series). More "
    "windows make each epoch slower and the models learn the series rather than memorise them: "
    "with 100, the question's models drive training loss near 0 while validation loss rises.",
    low=1, high=2000,
)
BATCH_SIZE = Setting(
    "batch", "batch_size", (TRAIN,), INT, 32, "Batch size", "batch size",
    low=1, high=SAMPLES.high,  # as many as the most toy training windows
)
TASK_WEIGHTS = Setting(
    "weights", "task_weights", (TRAIN,), FLOAT_LIST, (), "Task loss weights (comma list)",
    "each task's loss weight in every step, one per task", low=0.0, high=100.0, min_len=0,
    max_len=FEATURES.high, items="weights", note="one per task, not all 0", default_text="all 1",
    help="How much each task's loss counts in a step: 1, 1, 2, 1 makes task 3 pull twice as hard "
    "on the shared weights. Empty: all 1. The losses shown stay unweighted, so runs compare.",
)
METHOD = Setting(
    "method", "method", (TRAIN,), CHOICE, "sum", "Combine the tasks' gradients by",
    "how a step combines the tasks' gradients", choices=("sum", "pcgrad", "uncertainty"),
    help="sum: the tasks' losses summed (the baseline). pcgrad: PCGrad (Yu et al., 2020) projects "
    "each task's gradient on the shared weights off any other it conflicts with. uncertainty: "
    "each loss weighed by a learned weight (Kendall et al., 2018), lower where it stays high.",
)
SEED = Setting(
    "seed", "seed", (TRAIN, DATA), INT, 0, "Seed", "data, initial weights and shuffling",
    help="Same seed, same data and same curves.",
    low=0, high=2**31 - 1,  # seeds are int32 tensors in the compiled training step
)
RELATEDNESS = Setting(
    "relatedness", "relatedness", (DATA,), FLOAT, 0.5, "Task relatedness",
    "how much the series share",
    help="How much of every series is one common signal. 1: four noisy copies of one signal, where "
    "sharing layers should help; 0: four unrelated series, where one shared trunk must serve "
    "four different forecasts and can hurt (negative transfer). At 0.5 expect model 2, a conv "
    "per series, to beat model 1. The Compare tab's sweep measures where sharing helps.",
    low=0.0, high=1.0,
)
FAMILIES = Setting(
    "families", "families", (DATA,), INT, 1, "Families of series", "how many common signals",
    help="1: every series mixes one common signal. 2: series 1-2 share one and 3-4 another, so "
    "which tasks should share is a real question (Compare: the grouping oracle).",
    low=1, high=FEATURES.high,
)
NOISE = Setting(
    "noise", "noise", (DATA,), FLOAT, 0.1, "Noise", "noise added to the series",
    help="Noise added to every series. No model can forecast it, so it sets a floor under the "
    "validation loss, and the more of it, the sooner a model learns the training windows' "
    "noise by heart.",
    low=0.0, high=5.0,
)

# --- The page: Compare's list of (variant, k) configurations. ---
COMPARE = Setting(
    "compare", "cmp_link", (), PAIR_LIST, (), "Configurations", "Compare's list, `variant.k` each",
    min_len=1, max_len=6, items="configurations", note="e.g. `hard.5,towers.1,branched.0.1-1-2-2`",
    default_text="the question's two models and nothing shared",
)

SETTINGS = (
    VARIANT, SHARED_LAYERS, FEATURES, EXTRA_INPUTS, TIMESTEPS, HORIZON, CONV_FILTERS,
    KERNEL_SIZE, DENSE_UNITS, ACTIVATION, TASK_GROUPS, FROZEN, EPOCHS, LEARNING_RATE, BATCH_SIZE,
    TASK_WEIGHTS, METHOD, SEED, SAMPLES, RELATEDNESS, FAMILIES, NOISE, COMPARE,
)
# fmt: on
SPEC_SETTINGS = tuple(s for s in SETTINGS if SPEC in s.sets)
TRAIN_SETTINGS = tuple(s for s in SETTINGS if TRAIN in s.sets)
DATA_SETTINGS = tuple(s for s in SETTINGS if DATA in s.sets)
# Training and data settings as the URL and the sidebar list them, each once (seed fills both).
RUN_SETTINGS = tuple(s for s in SETTINGS if s.sets and SPEC not in s.sets)
