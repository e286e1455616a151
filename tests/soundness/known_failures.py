"""The corpus cases srcad fails today: case id -> (class of issue 13, what happens).

tests/test_soundness.py runs these as strict xfails: when the engine fixes one, its
entry must go. Regenerate with `python -m soundness.survey --write` from tests/.

Tally (610 cases; 343 fail, 84 pass by a located refusal):

    class  cases  failing  wrong  crash  gencode  unlocated
        0     48        1      1      0        0          0
        1    163      124    124      0        0          0
        2     41       37     36      0        1          0
        3     54       30     24      0        6          0
        4     29       25     25      0        0          0
        5     40       11     11      0        0          0
        6     71       25      6      0       19          0
        7     30       18     17      0        0          1
        8     54       32     29      1        2          0
        9     37       29      0     11        0         18
       10     43       11      3      2        6          0
    total    610      343    276     14       34         19

wrong: a number that differs from finite differences or the hand value, with no error;
crash: a non-srcad exception from srcad itself (or generated code that does not
compile); gencode: a non-srcad exception raised by generated code where the user's
function runs; unlocated: a SrcadError that does not name the user's file and line.
(class 0 is the everyday code between the classes.)
"""

KNOWN_FAILURES: dict[str, tuple[int, str]] = {
    "mutation_numpy.copyto_into_zeros": (1, "wrong: grad [0. 0. 0.] vs [ 0.6 -1.4 2.4]"),
    "mutation_numpy.copyto_where": (1, "wrong: grad [0.6 1. 2.4] vs [1.2 1. 4.8]"),
    "mutation_numpy.copyto_into_slice": (1, "wrong: grad [0. 0. 0.] vs [0.955 1.53 1.087]"),
    "mutation_numpy.copyto_broadcast_rows": (1, "wrong: grad [0. 0. 0.] vs [ 0.7 -0.3 -0.1]"),
    "mutation_numpy.copyto_overwrites_active": (
        1,
        "wrong: grad [0.955 0.765 0.362] vs [ 0.6 -1.4 2.4]",
    ),
    "mutation_numpy.copyto_constant_over_active": (1, "wrong: grad [ 1.6 -0.4 3.4] vs [1. 1. 1.]"),
    "mutation_numpy.copyto_casting_unsafe": (1, "wrong: grad [0. 0. 0.] vs [1.35 0.497 3.32 ]"),
    "mutation_numpy.copyto_into_view_stride": (1, "wrong: grad [0. 0. 0.] vs [ 0.6 -1.4 2.4]"),
    "mutation_numpy.copyto_vector_output": (
        1,
        "wrong: jvp tangent [0. 0. 0.] vs [ 0.001 -0.418 -0.658]",
    ),
    "mutation_numpy.copyto_into_argument": (
        1,
        "wrong: grad [ 0.591 -1.288 1.864] vs [ 0.565 -0.985 0.675]",
    ),
    "mutation_numpy.place_values_from_x": (1, "wrong: grad [0. 0. 0.] vs [1. 3. 0.]"),
    "mutation_numpy.place_relu_on_active": (
        1,
        "wrong: hessian <(3, 3) max|.| 2> vs <(3, 3) max|.| 2>",
    ),
    "mutation_numpy.place_cycles_values": (1, "wrong: grad [0. 0. 0.] vs [4. 6. 0.]"),
    "mutation_numpy.putmask_values_from_x": (1, "wrong: grad [0. 0. 0.] vs [ 5.4 0. 21.6]"),
    "mutation_numpy.putmask_clip_active": (
        1,
        "wrong: grad [ 1.651 2. -1.475] vs [ 1.651 0. -1.475]",
    ),
    "mutation_numpy.putmask_repeats_values": (1, "wrong: grad [0. 0. 0.] vs [4. 0. 0.]"),
    "mutation_numpy.putmask_into_argument": (
        1,
        "wrong: grad [ 0.6 -0.14 2.4 ] vs [ 0.6 -0.014 2.4 ]",
    ),
    "mutation_numpy.fill_diagonal_from_x": (1, "wrong: grad [0. 0. 0.] vs [1. 2. 3.]"),
    "mutation_numpy.fill_diagonal_zero_on_outer": (
        1,
        "wrong: grad [0.59 2.05 1.86] vs [-0.01 0.93 -0.3 ]",
    ),
    "mutation_numpy.fill_diagonal_scalar_from_x": (1, "wrong: grad [0. 0. 0.] vs [1.1 1.1 1.1]"),
    "mutation_numpy.fill_diagonal_of_argument": (
        1,
        "wrong: grad <(3, 3) max|.| 2> vs <(3, 3) max|.| 1.2>",
    ),
    "mutation_numpy.fill_diagonal_matrix_output": (
        1,
        "wrong: jvp tangent [ 0. 0.146 -0.395] vs [ 0. 0.439 -1.184]",
    ),
    "mutation_numpy.put_along_axis_rows": (
        1,
        "wrong: grad <(3, 3) max|.| 0> vs <(3, 3) max|.| 0.3>",
    ),
    "mutation_numpy.put_along_axis_argmax": (
        1,
        "wrong: hessian <(3, 3, 3, 3) max|.| 2> vs <(3, 3, 3, 3) max|.| 2>",
    ),
    "mutation_numpy.put_along_axis_1d": (1, "wrong: grad [0. 0. 0.] vs [18. 2. 10.]"),
    "mutation_numpy.add_at_values_from_x": (1, "wrong: grad [0. 0. 0.] vs [1. 3. 1.]"),
    "mutation_numpy.subtract_at_values_from_x": (1, "wrong: grad [0. 0. 0.] vs [-1. -3. -1.]"),
    "mutation_numpy.multiply_at_values_from_x": (1, "wrong: grad [0. 0. 0.] vs [1.8 4.5 0.45]"),
    "mutation_numpy.multiply_at_into_active": (
        1,
        "wrong: grad [2.6 2.55 3.3 ] vs [2.6 1.912 2.475]",
    ),
    "mutation_numpy.divide_at_values_from_x": (
        1,
        "wrong: grad [0. 0. 0.] vs [-13.889 -9.184 -3.472]",
    ),
    "mutation_numpy.divide_at_into_active": (
        1,
        "wrong: grad [2.6 4.533 5.867] vs [2.6 6.044 7.822]",
    ),
    "mutation_numpy.power_at_values_from_x": (1, "wrong: grad [0. 0. 0.] vs [0.563 1.616 0.141]"),
    "mutation_numpy.power_at_into_active": (
        1,
        "wrong: grad [2.6 2.978 3.613] vs [2.6 1.956 2.225]",
    ),
    "mutation_numpy.minimum_at_values_from_x": (1, "wrong: grad [0. 0. 0.] vs [1. 3. 0.]"),
    "mutation_numpy.minimum_at_into_active": (1, "wrong: grad [2.6 1.5 1.5] vs [2.6 0. 0. ]"),
    "mutation_numpy.hypot_at_values_from_x": (1, "wrong: grad [0. 0. 0.] vs [0.154 1.269 0.617]"),
    "mutation_numpy.hypot_at_into_active": (1, "wrong: grad [2.6 3.716 4.649] vs [2.6 3.4 4.4]"),
    "mutation_numpy.logaddexp_at_values_from_x": (
        1,
        "wrong: grad [0. 0. 0.] vs [0.147 0.93 0.363]",
    ),
    "mutation_numpy.logaddexp_at_into_active": (
        1,
        "wrong: grad [2.6 4.054 4.821] vs [2.6 2.923 3.905]",
    ),
    "mutation_numpy.negative_at_unary": (1, "wrong: grad [1. 2. 3.] vs [-1. 2. -3.]"),
    "mutation_numpy.sin_at_unary": (1, "wrong: grad [1. 2. 3.] vs [0.955 2. 1.087]"),
    "mutation_numpy.exp_at_unary": (1, "wrong: grad [1. 2. 3.] vs [1.35 2. 9.96]"),
    "mutation_numpy.square_at_unary": (1, "wrong: grad [1. 2. 3.] vs [0.6 2. 7.2]"),
    "mutation_numpy.sqrt_at_unary": (1, "wrong: grad [1. 2. 3.] vs [0.913 2. 1.369]"),
    "mutation_numpy.tanh_at_unary": (1, "wrong: grad [1. 2. 3.] vs [0.915 2. 0.915]"),
    "mutation_numpy.log1p_at_unary": (1, "wrong: grad [1. 2. 3.] vs [0.769 2. 1.364]"),
    "mutation_numpy.reciprocal_at_unary": (1, "wrong: grad [1. 2. 3.] vs [-11.111 2. -2.083]"),
    "mutation_numpy.ufunc_at_add": (1, "wrong: grad [1. 2. 3.] vs [1. 7. 3.]"),
    "mutation_numpy.ufunc_at_arccos": (1, "wrong: grad [1. 2. 3.] vs [ 2.177 2. -6.882]"),
    "mutation_numpy.ufunc_at_arccosh": (1, "wrong: grad [1. 2. 3.] vs [0.674 2. 1.309]"),
    "mutation_numpy.ufunc_at_arcsin": (1, "wrong: grad [1. 2. 3.] vs [1.101 2. 3.359]"),
    "mutation_numpy.ufunc_at_arcsinh": (1, "wrong: grad [1. 2. 3.] vs [0.919 2. 2.736]"),
    "mutation_numpy.ufunc_at_arctan": (1, "wrong: grad [1. 2. 3.] vs [0.846 2. 2.495]"),
    "mutation_numpy.ufunc_at_arctan2": (1, "wrong: grad [1. 2. 3.] vs [ 1.292 -1.122 3.032]"),
    "mutation_numpy.ufunc_at_arctanh": (1, "wrong: grad [1. 2. 3.] vs [1.215 2. 3.762]"),
    "mutation_numpy.ufunc_at_cbrt": (1, "wrong: grad [1. 2. 3.] vs [0.324 2. 1.703]"),
    "mutation_numpy.ufunc_at_ceil": (1, "wrong: grad [1. 2. 3.] vs [0. 2. 0.]"),
    "mutation_numpy.ufunc_at_cos": (1, "wrong: grad [1. 2. 3.] vs [ 0.241 2. -1.305]"),
    "mutation_numpy.ufunc_at_cosh": (1, "wrong: grad [1. 2. 3.] vs [0.38 2. 1.396]"),
    "mutation_numpy.ufunc_at_deg2rad": (1, "wrong: grad [1. 2. 3.] vs [0. 2. 0.052]"),
    "mutation_numpy.ufunc_at_degrees": (1, "wrong: grad [1. 2. 3.] vs [3282.806 2. 171.887]"),
    "mutation_numpy.ufunc_at_divide": (1, "wrong: grad [1. 2. 3.] vs [ 2.041 -2.504 4.286]"),
    "mutation_numpy.ufunc_at_exp": (1, "wrong: grad [1. 2. 3.] vs [5.206 2. 4.705]"),
    "mutation_numpy.ufunc_at_exp2": (1, "wrong: grad [1. 2. 3.] vs [1.389 2. 2.841]"),
    "mutation_numpy.ufunc_at_expm1": (1, "wrong: grad [1. 2. 3.] vs [1.915 2. 4.705]"),
    "mutation_numpy.ufunc_at_float_power": (1, "wrong: grad [1. 2. 3.] vs [ 0.905 -0.304 2.668]"),
    "mutation_numpy.ufunc_at_floor": (1, "wrong: grad [1. 2. 3.] vs [0. 2. 0.]"),
    "mutation_numpy.ufunc_at_floor_divide": (1, "wrong: grad [1. 2. 3.] vs [0. 2. 0.]"),
    "mutation_numpy.ufunc_at_fmax": (1, "wrong: grad [1. 2. 3.] vs [0. 6. 0.]"),
    "mutation_numpy.ufunc_at_heaviside": (1, "wrong: grad [1. 2. 3.] vs [0. 2. 0.]"),
    "mutation_numpy.ufunc_at_hypot": (1, "wrong: grad [1. 2. 3.] vs [0.29 5.877 1.622]"),
    "mutation_numpy.ufunc_at_log": (1, "wrong: grad [1. 2. 3.] vs [2.932 2. 2.069]"),
    "mutation_numpy.ufunc_at_log10": (1, "wrong: grad [1. 2. 3.] vs [1.273 2. 0.899]"),
    "mutation_numpy.ufunc_at_log1p": (1, "wrong: grad [1. 2. 3.] vs [0.609 2. 2.069]"),
    "mutation_numpy.ufunc_at_log2": (1, "wrong: grad [1. 2. 3.] vs [4.23 2. 2.985]"),
    "mutation_numpy.ufunc_at_logaddexp": (1, "wrong: grad [1. 2. 3.] vs [0.251 4.436 1.313]"),
    "mutation_numpy.ufunc_at_logaddexp2": (1, "wrong: grad [1. 2. 3.] vs [0.275 4.355 1.37 ]"),
    "mutation_numpy.ufunc_at_maximum": (1, "wrong: grad [1. 2. 3.] vs [0. 6. 0.]"),
    "mutation_numpy.ufunc_at_multiply": (1, "wrong: grad [1. 2. 3.] vs [0.49 3.77 2.1 ]"),
    "mutation_numpy.ufunc_at_negative": (1, "wrong: grad [1. 2. 3.] vs [ 1. 2. -3.]"),
    "mutation_numpy.ufunc_at_power": (1, "wrong: grad [1. 2. 3.] vs [ 0.905 -0.304 2.668]"),
    "mutation_numpy.ufunc_at_rad2deg": (1, "wrong: grad [1. 2. 3.] vs [3282.806 2. 171.887]"),
    "mutation_numpy.ufunc_at_radians": (1, "wrong: grad [1. 2. 3.] vs [0. 2. 0.052]"),
    "mutation_numpy.ufunc_at_reciprocal": (1, "wrong: grad [1. 2. 3.] vs [ 1. 2. -14.815]"),
    "mutation_numpy.ufunc_at_rint": (1, "wrong: grad [1. 2. 3.] vs [0. 2. 0.]"),
    "mutation_numpy.ufunc_at_sign": (1, "wrong: grad [1. 2. 3.] vs [0. 2. 0.]"),
    "mutation_numpy.ufunc_at_sin": (1, "wrong: grad [1. 2. 3.] vs [0.914 2. 2.701]"),
    "mutation_numpy.ufunc_at_sinh": (1, "wrong: grad [1. 2. 3.] vs [1.094 2. 3.309]"),
    "mutation_numpy.ufunc_at_spacing": (1, "wrong: grad [1. 2. 3.] vs [0. 2. 0.]"),
    "mutation_numpy.ufunc_at_sqrt": (1, "wrong: grad [1. 2. 3.] vs [0.617 2. 2.236]"),
    "mutation_numpy.ufunc_at_square": (1, "wrong: grad [1. 2. 3.] vs [0.108 2. 2.7 ]"),
    "mutation_numpy.ufunc_at_subtract": (1, "wrong: grad [1. 2. 3.] vs [ 1. -3. 3.]"),
    "mutation_numpy.ufunc_at_tan": (1, "wrong: grad [1. 2. 3.] vs [1.208 2. 3.7 ]"),
    "mutation_numpy.ufunc_at_tanh": (1, "wrong: grad [1. 2. 3.] vs [0.842 2. 2.466]"),
    "mutation_numpy.ufunc_at_trunc": (1, "wrong: grad [1. 2. 3.] vs [0. 2. 0.]"),
    "mutation_numpy.add_at_scatter_histogram": (1, "wrong: jvp tangent [0. 0.] vs [-0.657 -0.418]"),
    "mutation_numpy.add_at_rows": (1, "wrong: grad <(3, 3) max|.| 0> vs <(3, 3) max|.| 3.2>"),
    "mutation_numpy.setitem_called": (1, "wrong: grad [0. 0. 0.] vs [4. 7. 0.]"),
    "mutation_numpy.iadd_called": (1, "wrong: grad [0. 0. 0.] vs [2.6 0.6 4.4]"),
    "mutation_numpy.imul_called": (1, "wrong: grad [0.955 0.765 0.362] vs [ 0.582 -1.18 1.367]"),
    "mutation_numpy.isub_called": (1, "wrong: grad [0. 0. 0.] vs [-0.6 2.8 -7.2]"),
    "mutation_numpy.itruediv_called": (
        1,
        "wrong: grad [-0.296 0.644 -0.932] vs [-0.309 0.043 -0.327]",
    ),
    "mutation_numpy.ipow_called": (1, "wrong: grad [1. 1. 1.] vs [4.6 2.6 6.4]"),
    "mutation_numpy.iadd_result_discarded": (1, "wrong: grad [0. 0. 0.] vs [1.35 0.497 3.32 ]"),
    "mutation_numpy.ndarray_setitem_unbound": (1, "wrong: grad [0. 0. 0.] vs [9.6 0. 0. ]"),
    "mutation_numpy.operator_setitem": (1, "wrong: grad [0. 0. 0.] vs [2. 2. 2.]"),
    "mutation_numpy.operator_iadd": (1, "wrong: grad [0. 0. 0.] vs [ 0.6 -1.4 2.4]"),
    "mutation_numpy.operator_imul_on_argument": (
        1,
        "wrong: grad [ 1.2 -2.8 4.8] vs [ 2.4 -5.6 9.6]",
    ),
    "mutation_numpy.clip_positional_out": (1, "wrong: grad [0. 0. 0.] vs [ 0.6 -1.4 0. ]"),
    "mutation_numpy.cumsum_positional_out": (1, "wrong: grad [0. 0. 0.] vs [6. 5. 3.]"),
    "mutation_numpy.dot_positional_out": (1, "wrong: grad [0. 0. 0.] vs [ 0.846 -3.694 1.454]"),
    "mutation_numpy.sum_positional_out": (1, "wrong: grad [0. 0. 0.] vs [ 1.2 -2.8 4.8]"),
    "mutation_numpy.take_positional_out": (1, "wrong: grad [0. 0. 0.] vs [0.6 0. 2.4]"),
    "mutation_numpy.concatenate_positional_out": (1, "wrong: grad [0. 0. 0.] vs [ 1.8 -4.6 14. ]"),
    "mutation_numpy.outer_positional_out": (1, "wrong: grad [0. 0. 0.] vs [0.59 2.05 1.86]"),
    "mutation_numpy.prod_positional_out": (1, "wrong: grad [0. 0. 0.] vs [4.16 7.36 2.99]"),
    "mutation_numpy.cumsum_positional_out_into_argument": (
        1,
        "wrong: grad [ 0.6 -0.8 1.6] vs [1.4 0.8 1.6]",
    ),
    "mutation_numpy.method_clip_out": (1, "wrong: grad [0. 0. 0.] vs [5.4 0. 0. ]"),
    "mutation_numpy.method_cumsum_out": (1, "wrong: grad [0. 0. 0.] vs [1.4 0.8 1.6]"),
    "mutation_numpy.method_sum_out": (1, "wrong: grad [0. 0. 0.] vs [ 0.6 -1.4 2.4]"),
    "mutation_numpy.method_dot_out": (1, "wrong: grad [0. 0. 0.] vs [ 0.846 -3.694 1.454]"),
    "mutation_numpy.method_take_out": (1, "wrong: grad [0. 0. 0.] vs [0. 0.497 3.32 ]"),
    "mutation_numpy.method_max_out": (1, "wrong: grad [0. 0. 0.] vs [0. 0. 3.]"),
    "mutation_numpy.method_sort_unbound": (
        1,
        "wrong: grad [0.955 1.53 1.087] vs [1.911 0.765 1.087]",
    ),
    "mutation_helpers.helper_sets_item": (2, "wrong: grad [0. 0. 0.] vs [0. 2. 0.]"),
    "mutation_helpers.helper_doubles_in_place": (
        2,
        "wrong: grad [0.955 0.765 0.362] vs [1.911 1.53 0.725]",
    ),
    "mutation_helpers.helper_adds_in_place": (2, "wrong: grad [0. 0. 0.] vs [ 0.6 -2.8 7.2]"),
    "mutation_helpers.helper_zeroes_tail": (2, "wrong: jvp tangent -0.76 vs 0.002"),
    "mutation_helpers.helper_sets_row": (2, "wrong: grad [0. 0. 0.] vs [ 0.6 2.1 -1.2]"),
    "mutation_helpers.helper_bumps_in_loop": (2, "wrong: grad [0. 0. 0.] vs [ 0.6 -2.8 7.2]"),
    "mutation_helpers.nested_helpers_write": (2, "wrong: grad [0. 0. 0.] vs [0. 0. 4.]"),
    "mutation_helpers.helper_mutates_argument": (
        2,
        "wrong: grad [ 1.2 -2.8 4.8] vs [ 2.4 -5.6 9.6]",
    ),
    "mutation_helpers.helper_normalizes_argument": (
        2,
        "wrong: grad [1. 2. 3.] vs [0.442 2.017 1.066]",
    ),
    "mutation_helpers.library_normalize_fresh": (
        2,
        "wrong: grad [1. 2. 3.] vs [-0.226 0.218 0.074]",
    ),
    "mutation_helpers.library_scale_rows": (
        2,
        "wrong: grad <(2, 3) max|.| 6> vs <(2, 3) max|.| 18>",
    ),
    "mutation_helpers.helper_alias_subtracts_value": (
        2,
        "wrong: grad [1. 2. 3.] vs [ 0.7 3.4 -0.6]",
    ),
    "mutation_helpers.helper_writes_through_view": (2, "wrong: grad [0. 0. 0.] vs [ 0.5 -1. 0.3]"),
    "mutation_helpers.partial_of_mutating_helper": (2, "wrong: grad [0. 0. 0.] vs [1. 1. 1.]"),
    "mutation_helpers.helper_copyto": (2, "wrong: grad [0. 0. 0.] vs [-0.296 1.288 -2.796]"),
    "mutation_helpers.helper_vector_output": (
        2,
        "wrong: jvp tangent [ 0.001 0.299 -0.274] vs [ 0.002 0.597 -0.548]",
    ),
    "mutation_helpers.helper_appends": (2, "wrong: grad [0. 0. 0.] vs [ 2.6 1.2 13.2]"),
    "mutation_helpers.library_push": (2, "wrong: grad [1. 1. 1.] vs [1.955 2.53 2.087]"),
    "mutation_helpers.helper_stores_in_dict": (2, "wrong: grad [0. 0. 0.] vs [0.955 1.53 1.087]"),
    "mutation_helpers.helper_overwrites_dict_entry": (
        2,
        "wrong: grad [1. 1. 1.] vs [0.27 1.47 4.32]",
    ),
    "mutation_helpers.helper_swaps_list": (2, "wrong: grad [10. 3. 0.] vs [ 1. 30. 0.]"),
    "mutation_helpers.helper_extends": (2, "wrong: grad [1. 0. 0.] vs [ 1. 2.88 -3.36]"),
    "mutation_helpers.helper_logs_into_nested_list": (
        2,
        "wrong: grad [0. 0. 0.] vs [ 2. -4.2 0. ]",
    ),
    "mutation_helpers.helper_updates_dict": (2, "wrong: grad [1. 1. 1.] vs [1.35 0.497 3.32 ]"),
    "mutation_helpers.helper_pops": (
        2,
        "gencode: IndexError in generated code: list index out of range",
    ),
    "mutation_helpers.helper_scales_list_items": (
        2,
        "wrong: grad [ 1. 2.88 -3.36] vs [ 2. 5.76 -6.72]",
    ),
    "mutation_helpers.recursive_helper_appends": (2, "wrong: grad [0. 1. 0.] vs [7. 1. 0.]"),
    "mutation_helpers.helper_sgd_step_on_dict": (2, "wrong: grad [7. 1. 1.] vs [6.94 0.84 0.76]"),
    "mutation_helpers.lambda_helper_appends": (2, "wrong: grad [0. 0. 0.] vs [2. 0. 2.4]"),
    "mutation_helpers.closure_appends_to_outer_list": (
        2,
        "wrong: grad [0. 0. 0.] vs [ 2.6 1.2 13.2]",
    ),
    "mutation_helpers.closure_writes_outer_dict": (2, "wrong: grad [0. 0. 0.] vs [ 1. -1.4 0. ]"),
    "mutation_helpers.closure_changes_outer_array": (
        2,
        "wrong: grad [0. 0. 0.] vs [1.955 3.53 4.087]",
    ),
    "mutation_helpers.closure_item_in_loop": (2, "wrong: grad [0. 0. 0.] vs [0.27 1.47 4.32]"),
    "mutation_helpers.closure_appends_in_loop": (
        2,
        "wrong: grad [1.875 1.875 1.875] vs [4. 4. 4.]",
    ),
    "mutation_helpers.method_accumulates_on_self": (2, "wrong: grad [0. 0. 0.] vs [ 1. -1.4 0. ]"),
    "mutation_helpers.method_appends_on_self": (2, "wrong: grad [0. 0. 0.] vs [2.955 5.53 7.087]"),
    "mutation_helpers.helper_sets_attribute": (2, "wrong: grad [0. 1. 0.] vs [4. 1. 0.]"),
    "containers.list_reverse": (3, "wrong: grad [ 1. 20. 240.] vs [100. 20. 2.4]"),
    "containers.list_reverse_arrays": (3, "wrong: grad [1. 2. 3.] vs [0.955 1.53 1.087]"),
    "containers.list_extend_with_array": (
        3,
        "gencode: TypeError in generated code: can't multiply sequence by non-int of type 'f...",
    ),
    "containers.list_remove": (3, "gencode: IndexError in generated code: list index out of range"),
    "containers.list_clear_then_refill": (
        3,
        "gencode: IndexError in generated code: list index out of range",
    ),
    "containers.list_slice_assign": (
        3,
        "gencode: ValueError in generated code: cannot reshape array of size 6 into shape (2,2)",
    ),
    "containers.list_setitem_called": (3, "wrong: grad [1. 1. 0.] vs [0. 1. 3.]"),
    "containers.append_through_alias": (3, "wrong: grad [1. 0. 0.] vs [1. 3. 0.]"),
    "containers.append_through_alias_arrays": (3, "wrong: grad [0. 0. 0.] vs [ 1.555 -1.27 8.287]"),
    "containers.append_on_nested_list": (3, "wrong: grad [0. 0. 0.] vs [ 2. -1.4 0. ]"),
    "containers.append_on_list_in_dict": (3, "wrong: grad [0. 0. 0.] vs [ 0.6 -2.8 7.2]"),
    "containers.append_on_list_in_tuple": (3, "wrong: grad [0. 0. 0.] vs [1.35 0.497 3.32 ]"),
    "containers.list_of_same_list": (3, "wrong: grad [1. 0. 0.] vs [1. 4. 0.]"),
    "containers.setdefault_append": (3, "wrong: grad [0. 0. 0.] vs [ 2. -1.4 0. ]"),
    "containers.defaultdict_append": (3, "wrong: grad [0. 0. 0.] vs [2. 0. 2.4]"),
    "containers.dict_update": (3, "wrong: grad [1. 1. 0.] vs [0. 1. 2.4]"),
    "containers.dict_update_keywords": (3, "wrong: grad [1. 2. 3.] vs [1.555 0.13 3.487]"),
    "containers.dict_ior": (3, "wrong: grad [0. 0. 0.] vs [0. 3. 0.]"),
    "containers.dict_pop": (
        3,
        "gencode: TypeError in generated code: '>=' not supported between instances of 'str'...",
    ),
    "containers.dict_pop_default": (
        3,
        "gencode: TypeError in generated code: '>=' not supported between instances of 'str'...",
    ),
    "containers.append_in_and": (3, "wrong: grad [1. 0. 0.] vs [1. 2. 0.]"),
    "containers.append_in_or": (3, "wrong: grad [0. 0. 0.] vs [1. 0. 3.]"),
    "containers.append_in_ifexp": (3, "wrong: grad [0. 0. 1.] vs [4. 0. 1.]"),
    "containers.append_in_comprehension": (3, "wrong: grad [0. 0. 0.] vs [ 2. 4.8 -2.8]"),
    "containers.append_in_while_test": (3, "wrong: grad [0. 0. 0.] vs [1.5 0. 0. ]"),
    "containers.append_in_call_argument": (3, "wrong: grad [1. 0. 0.] vs [1. 3. 0.]"),
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
    "indices.assign_repeated_list": (4, "wrong: grad [1. 1. 0.] vs [0. 1. 0.]"),
    "indices.assign_repeated_array": (4, "wrong: grad [2. 2. 6.] vs [0. 2. 6.]"),
    "indices.assign_repeated_scalar": (4, "wrong: grad [ 0. 0. 14.4] vs [0. 0. 4.8]"),
    "indices.assign_repeated_over_active": (
        4,
        "wrong: grad [ 9.955 10.53 0. ] vs [ 0.955 10.53 0. ]",
    ),
    "indices.assign_negative_alias": (4, "wrong: grad [0. 1. 1.] vs [0. 0. 1.]"),
    "indices.assign_repeated_vector_output": (
        4,
        "wrong: vjp [-0.891 -0.891 -0.455] vs [ 0. -0.891 -0.455]",
    ),
    "indices.assign_repeated_long": (4, "wrong: grad [2. 4. 2. 2.] vs [0. 4. 0. 2.]"),
    "indices.assign_repeated_rows": (4, "wrong: grad <(2, 3) max|.| 0.7> vs <(2, 3) max|.| 0.7>"),
    "indices.assign_repeated_columns": (4, "wrong: grad <(2, 3) max|.| 1> vs <(2, 3) max|.| 1>"),
    "indices.assign_repeated_pairs": (4, "wrong: grad <(2, 3) max|.| 1> vs <(2, 3) max|.| 1>"),
    "indices.assign_repeated_in_loop": (4, "wrong: grad [1. 5. 4.] vs [0. 1. 4.]"),
    "indices.assign_repeated_from_gather": (4, "wrong: grad [-1.4 -1.4 0. ] vs [ 0. -1.4 0. ]"),
    "indices.assign_ix_repeated": (4, "wrong: grad [ 0.5 0.1 -0.4] vs [ 0. -0.2 -0.7]"),
    "indices.iadd_repeated_list": (4, "wrong: grad [1. 1. 0.] vs [0. 1. 0.]"),
    "indices.iadd_repeated_array": (4, "wrong: grad [ 0.6 -1.4 7.2] vs [ 0. -1.4 7.2]"),
    "indices.isub_repeated": (4, "wrong: grad [2. 6. 4.] vs [2. 4. 4.]"),
    "indices.imul_repeated": (4, "wrong: grad [3.1 4.3 5.3] vs [1.2 2. 5.3]"),
    "indices.iadd_repeated_scalar": (4, "wrong: grad [45. 0. 0.] vs [15. 0. 0.]"),
    "indices.explicit_add_repeated": (4, "wrong: grad [2. 2. 0.] vs [0. 2. 0.]"),
    "indices.iadd_repeated_vector_output": (
        4,
        "wrong: vjp [-1.882 -1.446 -1.983] vs [-0.891 -1.446 -0.992]",
    ),
    "indices.iadd_repeated_long": (
        4,
        "wrong: grad [1.755 3.684 0.907 1.393] vs [0. 3.684 0. 1.393]",
    ),
    "indices.iadd_repeated_rows": (4, "wrong: grad <(2, 3) max|.| 1> vs <(2, 3) max|.| 1>"),
    "indices.iadd_repeated_in_loop": (4, "wrong: grad [12. 6. 3.] vs [2. 2. 2.]"),
    "indices.iadd_negative_alias": (4, "wrong: grad [3. 3. 0.] vs [0. 3. 0.]"),
    "indices.gather_then_scatter_repeated": (4, "wrong: grad [0. 0. 4.] vs [0. 0. 3.]"),
    "casts.astype_int": (5, "wrong: grad [2.34 0.4 4.6 ] vs [1. 0. 2.]"),
    "casts.astype_int_alone": (5, "wrong: grad [2. 3. 4.] vs [1. 1. 1.]"),
    "casts.astype_int32": (5, "wrong: grad [ 4.476 0.16 17.16 ] vs [ 2.68 0. 10.4 ]"),
    "casts.astype_int64_string": (5, "wrong: grad [2.5 2.5 2.5] vs [1. 1. 1.]"),
    "casts.astype_i8_string": (5, "wrong: grad [ 1.202 0.389 -1.198] vs [ 0.229 0. -1.714]"),
    "casts.astype_bool": (5, "wrong: grad [1.3 0.3 2.2] vs [1. 1. 1.]"),
    "casts.astype_bool_string": (5, "wrong: grad [3. 3. 3.] vs [2. 2. 2.]"),
    "casts.astype_uint8": (5, "wrong: grad [2.34 0.4 4.6 ] vs [1. 0. 2.]"),
    "casts.fractional_part": (5, "wrong: grad [0. 0. 0.] vs [1. 2. 3.]"),
    "casts.astype_int_vector_output": (
        5,
        "wrong: vjp [-1.781 -0.909 -1.983] vs [-0.891 -0.455 -0.992]",
    ),
    "casts.astype_int_after_clip": (5, "wrong: grad [0.9 0. 6.6] vs [0. 0. 3.]"),
    "special_points.pow_zero_float": (
        6,
        "gencode: ZeroDivisionError in generated code: 0.0 cannot be raised to a negative power",
    ),
    "special_points.pow_zero_array": (6, "wrong: grad [nan 0. 0.] vs [0. 0. 0.]"),
    "special_points.pow_zero_array_vector_output": (
        6,
        "wrong: jvp tangent [nan 0. -0.] vs [0. 0. 0.]",
    ),
    "special_points.pow_zero_float_exponent": (
        6,
        "gencode: ZeroDivisionError in generated code: 0.0 cannot be raised to a negative power",
    ),
    "special_points.np_power_zero": (
        6,
        "gencode: ZeroDivisionError in generated code: 0.0 cannot be raised to a negative power",
    ),
    "special_points.np_power_integer_array_exponent": (6, "wrong: grad [nan 0. 0.] vs [1. 0. 0.]"),
    "special_points.float_power_zero": (6, "wrong: grad nan vs 0."),
    "special_points.pow_zero_times_exp": (
        6,
        "gencode: ZeroDivisionError in generated code: 0.0 cannot be raised to a negative power",
    ),
    "special_points.math_pow_zero": (
        6,
        "gencode: ZeroDivisionError in generated code: 0.0 cannot be raised to a negative power",
    ),
    "special_points.polynomial_generator": (
        6,
        "gencode: ZeroDivisionError in generated code: 0.0 cannot be raised to a negative power",
    ),
    "special_points.polynomial_list_comprehension": (
        6,
        "gencode: ZeroDivisionError in generated code: 0.0 cannot be raised to a negative power",
    ),
    "special_points.polynomial_loop": (
        6,
        "gencode: ZeroDivisionError in generated code: 0.0 cannot be raised to a negative power",
    ),
    "special_points.polynomial_array": (6, "wrong: grad [nan 8. 14.] vs [ 2. 8. 14.]"),
    "special_points.polynomial_power_of_range": (6, "wrong: grad nan vs 2."),
    "special_points.pow_half_float": (
        6,
        "gencode: ZeroDivisionError in generated code: 0.0 cannot be raised to a negative power",
    ),
    "special_points.np_power_half_float": (
        6,
        "gencode: ZeroDivisionError in generated code: 0.0 cannot be raised to a negative power",
    ),
    "special_points.math_sqrt_zero": (
        6,
        "gencode: ZeroDivisionError in generated code: float division by zero",
    ),
    "special_points.math_pow_half": (
        6,
        "gencode: ZeroDivisionError in generated code: 0.0 cannot be raised to a negative power",
    ),
    "special_points.arctan2_zero_over_zero": (
        6,
        "gencode: ZeroDivisionError in generated code: float division by zero",
    ),
    "special_points.arctan2_zero_x_is_denominator": (
        6,
        "gencode: ZeroDivisionError in generated code: float division by zero",
    ),
    "special_points.math_atan2_zero": (
        6,
        "gencode: ZeroDivisionError in generated code: float division by zero",
    ),
    "special_points.log_zero_float": (
        6,
        "gencode: ZeroDivisionError in generated code: float division by zero",
    ),
    "special_points.log2_zero_float": (
        6,
        "gencode: ZeroDivisionError in generated code: float division by zero",
    ),
    "special_points.log1p_minus_one": (
        6,
        "gencode: ZeroDivisionError in generated code: float division by zero",
    ),
    "special_points.log_of_square_zero": (
        6,
        "gencode: ZeroDivisionError in generated code: float division by zero",
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
    "staleness.code_object_replaced": (
        7,
        "unlocated: SourceUnavailableError: the source found for soundness.staleness._code_s...",
    ),
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
    "staleness.file_edited_before_first_transform": (
        7,
        "wrong: grad [4.05 1.49 9.96] vs [0.27 1.47 4.32]",
    ),
    "staleness.file_edited_then_reloaded": (
        7,
        "wrong: grad [0.955 0.765 0.362] vs [ 0.867 0.314 -0.756]",
    ),
    "random_.normal_mu": (8, "wrong: grad 0. vs 6."),
    "random_.normal_scale": (8, "wrong: grad 0. vs 2.388"),
    "random_.normal_both": (8, "wrong: grad[0] 0. vs 3.841"),
    "random_.normal_array_mean": (8, "wrong: grad [0. 0. 0.] vs [1. 2. 3.]"),
    "random_.uniform_high": (8, "wrong: grad 0. vs 1.251"),
    "random_.uniform_low": (8, "wrong: grad 0. vs 3.251"),
    "random_.exponential_scale": (8, "wrong: grad 0. vs 1.762"),
    "random_.permutation_of_x": (8, "wrong: grad [0. 0. 0.] vs [1. 2. 3.]"),
    "random_.choice_of_x": (8, "wrong: grad [0. 0. 0.] vs [0. 0. 3.]"),
    "random_.choice_of_x_size": (8, "wrong: grad [0. 0. 0.] vs [1. 5. 0.]"),
    "random_.seed_then_normal": (8, "wrong: grad 0. vs 11.687"),
    "random_.rng_shuffle": (8, "wrong: grad [2. 4. 6.] vs [2. 6. 4.]"),
    "random_.bincount_weights": (8, "wrong: grad <(5,) max|.| 0> vs <(5,) max|.| 3>"),
    "random_.bincount_weights_squared": (8, "wrong: grad <(5,) max|.| 0> vs <(5,) max|.| 6>"),
    "random_.bincount_vector_output": (8, "wrong: jvp tangent [0. 0. 0.] vs [-0.453 -0.891 0.025]"),
    "random_.astype_copy_false_write_fresh": (8, "wrong: grad [2. 4. 6.] vs [0. 4. 6.]"),
    "random_.astype_copy_false_scale_argument": (
        8,
        "wrong: grad [ 0.6 -1.4 2.4] vs [ 2.4 -5.6 9.6]",
    ),
    "random_.astype_copy_false_add_fresh": (
        8,
        "wrong: grad [0.955 1.53 1.087] vs [2.955 4.53 1.087]",
    ),
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
        "crash: AttributeError: 'Transformed' object has no attribute '__defaults__'",
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
    "names.calls_module_lambda": (
        9,
        "crash: SyntaxError: invalid syntax (<srcad grad of calls_module_lambda>, line 8)",
    ),
    "names.calls_module_lambda_float": (
        9,
        "crash: SyntaxError: invalid syntax (<srcad grad of calls_module_lambda_float>, line 6)",
    ),
    "names.calls_two_module_lambdas": (
        9,
        "crash: SyntaxError: invalid syntax (<srcad grad of calls_two_module_lambdas>, line 12)",
    ),
    "names.calls_lambda_with_default": (
        9,
        "crash: SyntaxError: invalid syntax (<srcad grad of calls_lambda_with_default>, line...",
    ),
    "names.calls_composed_lambda": (
        9,
        "crash: SyntaxError: invalid syntax (<srcad grad of calls_composed_lambda>, line 8)",
    ),
    "names.calls_unicode_lambda": (
        9,
        "crash: SyntaxError: invalid syntax (<srcad grad of calls_unicode_lambda>, line 8)",
    ),
    "names.lambda_called_in_loop": (
        9,
        "crash: SyntaxError: invalid syntax (<srcad grad of lambda_called_in_loop>, line 40)",
    ),
    "names.vector_output_module_lambda": (
        9,
        "crash: SyntaxError: invalid syntax (<srcad vjp of vector_output_module_lambda (bwd)...",
    ),
    "names.custom_jvp_lambda_everything": (
        9,
        "crash: SyntaxError: invalid syntax (<srcad split of linearized__lambda (bwd)>, line 5)",
    ),
    "names.custom_vjp_lambda_everything": (
        9,
        "crash: SyntaxError: invalid syntax (<srcad grad of custom_vjp_lambda_everything>, l...",
    ),
    "names.custom_jvp_rule_lambda": (
        9,
        "crash: SyntaxError: invalid syntax (<srcad split of linearized__plain_double (bwd)>...",
    ),
    "names.calls_dashed_name": (
        9,
        "unlocated: SourceUnavailableError: the source found for soundness.names.my-helper d...",
    ),
    "names.calls_keyword_name": (
        9,
        "unlocated: SourceUnavailableError: the source found for soundness.names.lambda does...",
    ),
    "names.calls_digit_name": (
        9,
        "unlocated: SourceUnavailableError: the source found for soundness.names.1st does no...",
    ),
    "names.calls_spaced_name": (
        9,
        "unlocated: SourceUnavailableError: the source found for soundness.names.a b does no...",
    ),
    "names.calls_helper_named_np": (
        9,
        "unlocated: SourceUnavailableError: the source found for soundness.names.np does not...",
    ),
    "names.calls_empty_name": (
        9,
        "unlocated: SourceUnavailableError: the source found for an object of type function ...",
    ),
    "names.calls_names_colliding_as_identifiers": (
        9,
        "unlocated: SourceUnavailableError: the source found for soundness.names.a-b does no...",
    ),
    "names.function_named_dash": (
        9,
        "unlocated: SourceUnavailableError: the source found for soundness.names.my-func doe...",
    ),
    "names.function_named_keyword": (
        9,
        "unlocated: SourceUnavailableError: the source found for soundness.names.class does ...",
    ),
    "names.function_named_digit": (
        9,
        "unlocated: SourceUnavailableError: the source found for soundness.names.9lives does...",
    ),
    "names.function_named_dot": (
        9,
        "unlocated: SourceUnavailableError: the source found for soundness.names.f.g does no...",
    ),
    "names.function_named_angle": (
        9,
        "unlocated: SourceUnavailableError: the source found for soundness.names.<locals> do...",
    ),
    "names.function_named_np": (
        9,
        "unlocated: SourceUnavailableError: the source found for soundness.names.np does not...",
    ),
    "names.function_named_grad_prefix": (
        9,
        "unlocated: SourceUnavailableError: the source found for soundness.names.grad_f does...",
    ),
    "names.function_named_parameter": (
        9,
        "unlocated: SourceUnavailableError: the source found for soundness.names.x does not ...",
    ),
    "names.function_named_dash_vector_output": (
        9,
        "unlocated: SourceUnavailableError: the source found for soundness.names.vec-out doe...",
    ),
    "names.calls_wraps_decorated_helper": (
        9,
        "unlocated: SourceUnavailableError: the source found for soundness.names._decorated_...",
    ),
    "names.calls_function_type_named_made": (
        9,
        "unlocated: SourceUnavailableError: the source found for soundness.names._h_square d...",
    ),
    "inputs.namedtuple_indexed": (
        10,
        "crash: AttributeError: 'Transformed' object has no attribute '__defaults__'",
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
        "crash: AttributeError: 'Transformed' object has no attribute '__defaults__'",
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
    "everyday.row_views_in_list_then_scaled": (
        0,
        "wrong: grad <(2, 3) max|.| 3> vs <(2, 3) max|.| 9>",
    ),
}
