import { z } from 'zod';
import { wireNumberList, wireShort, wireString } from '../wire';

// The documented response fields; the page's "FORM PARAMETERS" list is really this list.
const loginAccount = z.object({
  account_id: wireShort,
  admin_email: wireString,
  admin_Fname: wireString,
  admin_Lname: wireString,
  admin_number: wireShort,
  company_name: wireString,
  company_address: wireString,
  sms_coins: wireShort,
  obd_coins: wireShort,
  voip_coins: wireShort,
  clicktocall_coins: wireShort,
  call_coins: wireShort,
  avail_sms_coins: wireShort,
  avail_obd_coins: wireShort,
  avail_voip_coins: wireShort,
  avail_clicktocall_coins: wireShort,
  avail_call_coins: wireShort,
  service_order: wireString,
  create_at: wireShort,
  updated_on: wireShort,
  expired_on: wireShort,
  // The docs put these beside login_account; some responses carry them inside it.
  desk_phone: wireNumberList,
  did_no: wireNumberList,
});

/** The profile & balance response body, validated at run time. */
export const digidonarBody = z.object({
  login_account: loginAccount,
  desk_phone: wireNumberList,
  did_no: wireNumberList,
  type: wireShort,
});

/** A decoded Digidonar profile & balance body. */
export type DigidonarBody = z.infer<typeof digidonarBody>;
