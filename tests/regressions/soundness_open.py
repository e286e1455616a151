"""The constructs of the extended fuzz grammar (tests/fuzz_extended.py) that srcad gets
wrong today, each tied to the soundness corpus cases that show it.

A feature key is avoided by the fuzzer while any of its cases is still listed in
tests/soundness/known_failures.py: the fast profile stays green, and the fuzzer keeps looking
for failures nobody knows of yet. Once the engine fixes them (and their entries leave
known_failures.py), the fuzzer generates the construct again by itself. Keys with no cases
work today and are always generated.
"""

from __future__ import annotations

FEATURES: dict[str, list[str]] = {
    # expressions
    "pow_zero": [
        "special_points.pow_zero_array",
        "special_points.pow_zero_float",
        "special_points.math_pow_zero",
    ],
    "pow_int": [],
    "polynomial": [],
    "polynomial_sum": ["special_points.polynomial_generator"],
    "cast_int": ["casts.astype_int_alone"],
    "cast_int32": ["casts.astype_int32"],
    "cast_bool": ["casts.astype_bool"],
    "rounding": [],
    "math_scalar": [],
    "cfg_act": ["staleness.mock_patch_object_module_attribute"],
    "cfg_scale": [],
    # helpers that change their arguments
    "mut_helper_aug": ["mutation_helpers.helper_doubles_in_place"],
    "mut_helper_item": ["mutation_helpers.helper_sets_item"],
    "mut_helper_copyto": ["mutation_helpers.helper_copyto"],
    "mut_helper_alias": ["mutation_helpers.helper_alias_subtracts_value"],
    "list_helper_append": ["mutation_helpers.helper_appends"],
    "dict_helper_store": ["mutation_helpers.helper_stores_in_dict"],
    "closure_append": ["mutation_helpers.closure_appends_to_outer_list"],
    # numpy functions that write into an argument
    "np_copyto": ["mutation_numpy.copyto_into_zeros"],
    "ufunc_at": ["mutation_numpy.add_at_values_from_x", "mutation_numpy.negative_at_unary"],
    "np_put": [],
    "np_place": ["mutation_numpy.place_values_from_x"],
    "np_putmask": ["mutation_numpy.putmask_values_from_x"],
    "out_positional": ["mutation_numpy.clip_positional_out"],
    "out_keyword": [],
    "dunder": ["mutation_numpy.iadd_called"],
    "fill_diagonal": ["mutation_numpy.fill_diagonal_scalar_from_x"],
    # aliases, views, containers
    "alias_aug": [],
    "view_aug": [],
    "reshape_view_item": [],
    "transpose_view_item": [],
    "container_item_aug": ["containers.list_item_array_imul_shared"],
    "dict_item_aug": ["containers.dict_item_array_imul_then_original_read"],
    "list_reverse": ["containers.list_reverse"],
    "list_insert": [],
    "list_pop": [],
    "list_extend": [],
    "append_alias": ["containers.append_through_alias"],
    "setdefault_append": ["containers.setdefault_append"],
    "dict_update": ["containers.dict_update"],
    "same_array_appended": [],
    "repeated_index_assign": ["indices.assign_repeated_list"],
    "repeated_index_iadd": ["indices.iadd_repeated_list"],
}


def avoided_features() -> frozenset:
    """The feature keys whose corpus cases still fail."""
    from soundness.known_failures import KNOWN_FAILURES

    return frozenset(k for k, ids in FEATURES.items() if any(i in KNOWN_FAILURES for i in ids))
