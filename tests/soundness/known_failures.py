"""The corpus cases srcad fails today: case id -> (class of issue 13, what happens).

tests/test_soundness.py runs these as strict xfails: when the engine fixes one, its
entry must go. Regenerate with `python -m soundness.survey --write` from tests/.

Tally (610 cases; 43 fail, 302 pass by a located refusal):

    class  cases  failing  wrong  crash  gencode  unlocated
        0     48        1      1      0        0          0
        1    163        6      6      0        0          0
        2     41        0      0      0        0          0
        3     54       15     13      0        2          0
        4     29        0      0      0        0          0
        5     40        0      0      0        0          0
        6     71        0      0      0        0          0
        7     30       16     16      0        0          0
        8     54        0      0      0        0          0
        9     37        1      0      0        1          0
       10     43        4      1      0        3          0
    total    610       43     37      0        6          0

wrong: a number that differs from finite differences or the hand value, with no error;
crash: a non-srcad exception from srcad itself (or generated code that does not
compile); gencode: a non-srcad exception raised by generated code where the user's
function runs; unlocated: a SrcadError that does not name the user's file and line.
(class 0 is the everyday code between the classes.)
"""

KNOWN_FAILURES: dict[str, tuple[int, str]] = {
    "mutation_numpy.method_clip_out": (1, "wrong: grad [0. 0. 0.] vs [5.4 0. 0. ]"),
    "mutation_numpy.method_cumsum_out": (1, "wrong: grad [0. 0. 0.] vs [1.4 0.8 1.6]"),
    "mutation_numpy.method_sum_out": (1, "wrong: grad [0. 0. 0.] vs [ 0.6 -1.4 2.4]"),
    "mutation_numpy.method_dot_out": (1, "wrong: grad [0. 0. 0.] vs [ 0.846 -3.694 1.454]"),
    "mutation_numpy.method_take_out": (1, "wrong: grad [0. 0. 0.] vs [0. 0.497 3.32 ]"),
    "mutation_numpy.method_max_out": (1, "wrong: grad [0. 0. 0.] vs [0. 0. 3.]"),
    "containers.list_extend_with_array": (
        3,
        "gencode: TypeError in generated code: can't multiply sequence by non-int of type 'f...",
    ),
    "containers.list_slice_assign": (
        3,
        "gencode: ValueError in generated code: cannot reshape array of size 6 into shape (2,2)",
    ),
    "containers.append_through_alias": (3, "wrong: grad [1. 0. 0.] vs [1. 3. 0.]"),
    "containers.append_through_alias_arrays": (3, "wrong: grad [0. 0. 0.] vs [ 1.555 -1.27 8.287]"),
    "containers.append_on_nested_list": (3, "wrong: grad [0. 0. 0.] vs [ 2. -1.4 0. ]"),
    "containers.append_on_list_in_dict": (3, "wrong: grad [0. 0. 0.] vs [ 0.6 -2.8 7.2]"),
    "containers.append_on_list_in_tuple": (3, "wrong: grad [0. 0. 0.] vs [1.35 0.497 3.32 ]"),
    "containers.list_of_same_list": (3, "wrong: grad [1. 0. 0.] vs [1. 4. 0.]"),
    "containers.setdefault_append": (3, "wrong: grad [0. 0. 0.] vs [ 2. -1.4 0. ]"),
    "containers.defaultdict_append": (3, "wrong: grad [0. 0. 0.] vs [2. 0. 2.4]"),
    "containers.dict_ior": (3, "wrong: grad [0. 0. 0.] vs [0. 3. 0.]"),
    "containers.list_item_array_iadd_argument": (3, "wrong: grad [ 0.6 -1.4 2.4] vs [2.6 0.6 4.4]"),
    "containers.list_item_array_imul_shared": (
        3,
        "wrong: grad [0.955 1.53 1.087] vs [1.911 3.059 2.174]",
    ),
    "containers.repeated_list_of_zeros": (3, "wrong: grad [0. 0. 0.] vs [1. 2. 3.]"),
    "containers.dict_item_array_imul_then_original_read": (
        3,
        "wrong: grad [1.867 1.314 0.244] vs [ 1.733 0.628 -1.512]",
    ),
    "staleness.namespace_attribute_swapped": (
        7,
        "wrong: grad [-0.296 1.288 -2.796] vs [0.955 1.53 1.087]",
    ),
    "staleness.namespace_attribute_swapped_same_transform": (
        7,
        "wrong: grad after CFG.act = np.sin [-0.296 1.288 -2.796] vs [0.955 1.53 1.087]",
    ),
    "staleness.deep_chain_swapped": (7, "wrong: grad [-0.296 0.644 -0.932] vs [0.915 0.635 0.305]"),
    "staleness.mock_patch_object_module_attribute": (
        7,
        "wrong: grad [0.913 1.17 0.394] vs [0.955 1.53 1.087]",
    ),
    "staleness.mock_patch_string_module_attribute": (
        7,
        "wrong: grad [ -0.822 1.507 -30.07 ] vs [1.35 0.993 9.96 ]",
    ),
    "staleness.mock_patch_global_of_followed_module": (
        7,
        "wrong: grad [1.825 1.17 0.263] vs [1.911 1.53 0.725]",
    ),
    "staleness.mock_patch_layer_activation": (
        7,
        "wrong: grad[0] [ 0.138 0.139 -0.113] vs [ 0.299 0.077 -0.14 ]",
    ),
    "staleness.method_replaced_on_class": (
        7,
        "wrong: grad [-0.296 0.644 -0.932] vs [0.915 0.635 0.305]",
    ),
    "staleness.method_shadowed_on_instance": (
        7,
        "wrong: grad [-0.296 0.644 -0.932] vs [0.955 0.765 0.362]",
    ),
    "staleness.defaults_replaced": (7, "wrong: grad [ 0.6 -1.4 2.4] vs [0.27 1.47 4.32]"),
    "staleness.helper_defaults_replaced": (7, "wrong: grad [ 2.4 -5.6 9.6] vs [ 15. -35. 60.]"),
    "staleness.kwdefaults_replaced": (7, "wrong: grad [2. 2. 2.] vs [3. 3. 3.]"),
    "staleness.code_object_replaced": (7, "wrong: grad [0.955 0.765 0.362] vs [1.35 0.497 3.32 ]"),
    "staleness.custom_vjp_registered_again": (
        7,
        "wrong: grad with bwd 3 g [2. 4. 6.] vs [3. 6. 9.]",
    ),
    "staleness.custom_vjp_registered_again_same_transform": (
        7,
        "wrong: grad with bwd 3 g [2. 4. 6.] vs [3. 6. 9.]",
    ),
    "staleness.custom_jvp_registered_again": (
        7,
        "wrong: grad with the doubled rule [0.574 0.332 0.769] vs [1.149 0.664 1.537]",
    ),
    "names.calls_wraps_decorated_helper": (
        9,
        "gencode: NameError in generated code: name 'x' is not defined",
    ),
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
    "everyday.row_views_in_list_then_scaled": (
        0,
        "wrong: grad <(2, 3) max|.| 3> vs <(2, 3) max|.| 9>",
    ),
}
