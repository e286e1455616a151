"""The corpus cases srcad fails today: case id -> (class of issue 13, what happens).

tests/test_soundness.py runs these as strict xfails: when the engine fixes one, its
entry must go. Regenerate with `python -m soundness.survey --write` from tests/.

Tally (610 cases; 25 fail, 314 pass by a located refusal):

    class  cases  failing  wrong  crash  gencode  unlocated
        0     48        0      0      0        0          0
        1    163        0      0      0        0          0
        2     41        0      0      0        0          0
        3     54        0      0      0        0          0
        4     29        0      0      0        0          0
        5     40        0      0      0        0          0
        6     71        0      0      0        0          0
        7     30        0      0      0        0          0
        8     54       14     11      1        2          0
        9     37        0      0      0        0          0
       10     43       11      3      2        6          0
    total    610       25     14      3        8          0

wrong: a number that differs from finite differences or the hand value, with no error;
crash: a non-srcad exception from srcad itself (or generated code that does not
compile); gencode: a non-srcad exception raised by generated code where the user's
function runs; unlocated: a SrcadError that does not name the user's file and line.
(class 0 is the everyday code between the classes.)
"""

KNOWN_FAILURES: dict[str, tuple[int, str]] = {
    "random_.matrix_star_is_matmul": (
        8,
        "wrong: grad [[1.4 5. ] [1.4 5. ]] vs [[2.2 2.4] [4. 4.2]]",
    ),
    "random_.matrix_power_operator": (
        8,
        "wrong: grad [[1.4 5. ] [1.4 5. ]] vs [[2.2 2.4] [4. 4.2]]",
    ),
    "random_.matrix_transpose_product": (
        8,
        "wrong: grad [[2.2 2.4] [4. 4.2]] vs [[3. 3. ] [3.4 3.4]]",
    ),
    "random_.matrix_times_column": (
        8,
        "gencode: ValueError in generated code: shapes (2,1) and (2,1) not aligned: 1 (dim 1...",
    ),
    "random_.matrix_elementwise_multiply": (
        8,
        "wrong: grad [[1.4 5. ] [1.4 5. ]] vs [[ 2. 1. ] [-0.6 4. ]]",
    ),
    "random_.matrix_as_array": (
        8,
        "crash: ValueError: no signature found for builtin <srcad grad of matrix_as_array>",
    ),
    "random_.matrix_sum_axis": (
        8,
        "gencode: ValueError in generated code: cannot reshape array of size 2 into shape (1,1)",
    ),
    "random_.jacfwd_conj_product": (
        8,
        "wrong: jacfwd returned [[2.+0.j 0.+0.j] [0.+0.j 1.+0.j]] where no derivative exists",
    ),
    "random_.jacrev_conj_product": (
        8,
        "wrong: jacrev returned [[2.-4.j 0.+0.j] [0.+0.j 1.+2.j]] where no derivative exists",
    ),
    "random_.jacfwd_conj": (
        8,
        "wrong: jacfwd returned [[2.+0.j 0.+0.j] [0.+0.j 2.+0.j]] where no derivative exists",
    ),
    "random_.jacfwd_real_part": (
        8,
        "wrong: jacfwd returned [[1.+0.j 0.+0.j] [0.+0.j 1.+0.j]] where no derivative exists",
    ),
    "random_.jacfwd_abs": (
        8,
        "wrong: jacfwd returned [[0.447 0. ] [0. 0.447]] where no derivative exists",
    ),
    "random_.jacrev_abs_squared": (
        8,
        "wrong: jacrev returned [[2.-4.j 0.+0.j] [0.+0.j 1.+2.j]] where no derivative exists",
    ),
    "random_.jacfwd_method_conj": (
        8,
        "wrong: jacfwd returned [[7. +4.j 0. +0.j] [0. +0.j 1.75-1.j]] where no derivative e...",
    ),
    "inputs.namedtuple_indexed": (
        10,
        "crash: ValueError: no signature found for builtin <srcad grad of namedtuple_indexed>",
    ),
    "inputs.list_subclass_floats": (
        10,
        "gencode: TypeError in generated code: list expected at most 1 argument, got 3",
    ),
    "inputs.list_subclass_arrays": (
        10,
        "gencode: TypeError in generated code: list expected at most 1 argument, got 2",
    ),
    "inputs.list_subclass_hessian": (
        10,
        "crash: ValueError: no signature found for builtin <srcad grad of list_subclass_hess...",
    ),
    "inputs.tuple_subclass": (
        10,
        "gencode: TypeError in generated code: tuple expected at most 1 argument, got 2",
    ),
    "inputs.masked_array_sum": (10, "wrong: grad [0.6 1. 2.4] vs [0.6 0. 2.4]"),
    "inputs.masked_array_mean": (10, "wrong: grad [0.333 0.667 1. ] vs [0.5 0. 1.5]"),
    "inputs.user_dot_method_argument": (
        10,
        "gencode: TypeError in generated code: unsupported operand type(s) for *: 'float' an...",
    ),
    "inputs.user_astype_method": (
        10,
        "gencode: IndexError in generated code: tuple index out of range",
    ),
    "inputs.user_matmul_operator": (
        10,
        "gencode: ValueError in generated code: matmul: Input operand 1 does not have enough...",
    ),
    "inputs.user_mul_operator": (10, "wrong: not numeric: array([6.6, 4.6, 8.4], dtype=object)"),
}
