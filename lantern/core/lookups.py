"""`field__any=values`: the field is one of `values`, sent as one array (`= ANY(%s)`).

For the long lists of keys a bulk import looks up (5,000 children a chunk), Django's `__in`
writes a placeholder per value, and preparing, compiling and splitting such a statement took
longer than PostgreSQL took to run it. One array parameter costs the same for five values or
five thousand, and PostgreSQL plans `= ANY(array)` as it plans `IN (...)`. Registered on every
field (foreign keys included) in `CoreConfig.ready`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db.models import Lookup

_MODIFIER = re.compile(r"\(.*?\)")


class AnyOf(Lookup[Any]):
    lookup_name = "any"
    prepare_rhs = False

    def get_db_prep_lookup(self, value: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        values: Iterable[Any] = value
        field = self.lhs.output_field
        return "%s", ([field.get_db_prep_value(v, connection, prepared=False) for v in values],)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        # The column's type without its length (varchar(60) -> varchar): casting to a length
        # would cut a longer value down until it matched.
        column_type = _MODIFIER.sub("", self.lhs.output_field.rel_db_type(connection))
        array_type = f"{column_type}[]"
        return f"{lhs} = ANY({rhs}::{array_type})", (*lhs_params, *rhs_params)
