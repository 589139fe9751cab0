import { z } from 'zod';
import { wireString } from '../wire';

// The documented response fields; the page's "FORM PARAMETERS" list is really this list.
const loginAccount = z.object({
  account_id: wireString,
  admin_email: wireString,
  admin_Fname: wireString,
  admin_Lname: wireString,
  admin_number: wireString,
  company_name: wireString,
  company_address: wireString,
  sms_coins: wireString,
  obd_coins: wireString,
  voip_coins: wireString,
  clicktocall_coins: wireString,
  call_coins: wireString,
  avail_sms_coins: wireString,
  avail_obd_coins: wireString,
  avail_voip_coins: wireString,
  avail_clicktocall_coins: wireString,
  avail_call_coins: wireString,
  service_order: wireString,
  create_at: wireString,
  updated_on: wireString,
  expired_on: wireString,
  // The docs put these beside login_account; some responses carry them inside it.
  desk_phone: wireString,
  did_no: wireString,
});

/** The profile & balance response body, validated at run time. */
export const digidonarBody = z.object({
  login_account: loginAccount,
  desk_phone: wireString,
  did_no: wireString,
  type: wireString,
});

/** A decoded Digidonar profile & balance body. */
export type DigidonarBody = z.infer<typeof digidonarBody>;
