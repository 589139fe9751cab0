// Normalization cost per account (decode + map), the CPU behind a cold request. Run: npm run bench:normalize
import 'reflect-metadata';
import { digidonarBody } from '../src/providers/digidonar/digidonar.wire';
import { digidonarSnapshot } from '../src/providers/digidonar/digidonar.mapper';
import { simpsyBilling } from '../src/providers/simpsy/simpsy.wire';
import { simpsySnapshot } from '../src/providers/simpsy/simpsy.mapper';
import { parseUpstreamJson } from '../src/providers/upstream-http';
const digi = { login_account: { account_id: '1', company_name: 'Lavi', admin_number: '7289045183', sms_coins: '5500', avail_sms_coins: '4950', obd_coins: '1', avail_obd_coins: '1', voip_coins: '1', avail_voip_coins: '1', clicktocall_coins: '1', avail_clicktocall_coins: '1', call_coins: '1', avail_call_coins: '1', create_at: '2020-08-19 13:24:24', updated_on: '2022-01-08 15:49:52', expired_on: '2023-12-30 00:00:00' }, desk_phone: '806912345, 00911206851235, 01206851234, 00911206851239', did_no: '806912345, 00911206851235, 01206851234, 00911206851239', type: 'success' };
const sv = { call_route: 'Normal', payment_method: 'Visa', payment_details: '411111******1111', creditlimit: '$139.90', billingcycle: '2018-04-08', plan: { name: 'SME', price: '$24.90', no_of_agents: '5', storage: '3GB', crm: '0' }, addon: { agents: { no_of_agents: '10', price_per_agent: '$4.90', total_agent_price: '$49.00' }, storage: { no_of_storage: '7GB', price_per_gb: '$8.00', total_storage_price: '$56.00' }, crm: { no_of_crm: '1', total_storage_price: '$10.00' }, did: [{ number: '1234567', country: 'United States', monthly: '$15.90' }, { number: '651234567', country: 'Singapore', monthly: '$21.90' }] }, total_monthly: '$177.70' };
let k = 0;
// Distinct numbers per iteration, as 500 different accounts would have: the memo must not flatter the figure.
const fresh = () => { k++; const d = structuredClone(digi); d.desk_phone = `8069${(10000 + k % 90000)}, 0091120${6850000 + k}, 0120${6850000 + k}, 0091120${6860000 + k}`; d.did_no = d.desk_phone; return d; };
const svEnvelope = (billing: unknown) => JSON.stringify({ status: '200', message: 'Success', result: [billing] });
const svText = svEnvelope(sv);
// The same body with its counts and status as JSON integers (scanned, no second parse), then
// with an amount as a JSON number too (parsed again, with a reviver that keeps each number's text).
const svNumbers = svText.replace(/"(no_of_agents|crm|no_of_crm|status)":"(\d+)"/g, '"$1":$2');
const svAmountNumber = svNumbers.replace('"creditlimit":"$139.90"', '"creditlimit":139.90');
const svDecode = (text: string) => simpsyBilling.parse((parseUpstreamJson(text) as { result: unknown[] }).result[0]);
for (const [name, fn] of [
  ['digidonar map (new numbers)', () => digidonarSnapshot(digidonarBody.parse(fresh()), '1', 'Asia/Kolkata', new Date())],
  ['digidonar map (repeat)', () => digidonarSnapshot(digidonarBody.parse(digi), '1', 'Asia/Kolkata', new Date())],
  ['simpsy map', () => simpsySnapshot(simpsyBilling.parse(sv), 'a', new Date())],
  ['digidonar decode + map (new numbers)', () => digidonarSnapshot(digidonarBody.parse(parseUpstreamJson(JSON.stringify(fresh()))), '1', 'Asia/Kolkata', new Date())],
  ['simpsy decode + map', () => simpsySnapshot(svDecode(svText), 'a', new Date())],
  ['simpsy decode + map (integers in the body)', () => simpsySnapshot(svDecode(svNumbers), 'a', new Date())],
  ['simpsy decode + map (an amount as a JSON number)', () => simpsySnapshot(svDecode(svAmountNumber), 'a', new Date())],
] as const) {
  for (let i = 0; i < 200; i++) fn();
  const t = performance.now(); const n = 2000;
  for (let i = 0; i < n; i++) fn();
  console.log(name, ((performance.now() - t) / n * 1000).toFixed(1), 'µs');
}
