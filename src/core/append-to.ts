/**
 * Adds `item` to the list `map` keeps under `key`, in place: grouping n items this way takes time
 * in n (copying the list at each addition, as `[...(map.get(key) ?? []), item]` does, takes n²).
 */
export function appendTo<K, V>(map: Map<K, V[]>, key: K, item: V): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}
