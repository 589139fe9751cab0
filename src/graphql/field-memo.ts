/**
 * Wraps a computation that several fields of one object share (a coin balance's usage, a
 * validity's insight), so that it runs once per object and inputs, not once per field. The last
 * inputs and result are kept per object, weakly: a cached object read by many requests holds one
 * entry, and new inputs (another request's `now`) simply compute again.
 */
export function oncePerObject<T extends object, I extends readonly unknown[], R>(
  compute: (object: T, ...inputs: I) => R,
): (object: T, ...inputs: I) => R {
  const memo = new WeakMap<T, { readonly inputs: I; readonly result: R }>();
  return (object, ...inputs) => {
    const known = memo.get(object);
    if (known && known.inputs.length === inputs.length && known.inputs.every((input, i) => Object.is(input, inputs[i]))) {
      return known.result;
    }
    const result = compute(object, ...inputs);
    memo.set(object, { inputs, result });
    return result;
  };
}
