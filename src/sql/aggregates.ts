/**
 * Aggregate functions (PostgreSQL's and MySQL's `group_concat`): a SELECT that calls one without
 * `OVER` returns one row made of many, and PostgreSQL refuses `FOR UPDATE` on it. Read by the parser
 * path and the lexical scan alike.
 */
export const AGGREGATES: ReadonlySet<string> = new Set([
  'count',
  'sum',
  'min',
  'max',
  'avg',
  'array_agg',
  'string_agg',
  'json_agg',
  'jsonb_agg',
  'json_object_agg',
  'jsonb_object_agg',
  'bool_and',
  'bool_or',
  'every',
  'bit_and',
  'bit_or',
  'bit_xor',
  'group_concat',
  'xmlagg',
  'stddev',
  'stddev_pop',
  'stddev_samp',
  'variance',
  'var_pop',
  'var_samp',
  'mode',
  'percentile_cont',
  'percentile_disc',
  'any_value',
]);
