import type { AccountSnapshot, CoinBalance, Did } from '../../domain/account';
import type { CoinKind } from '../../domain/vocabulary';
import { coinBalance } from '../../domain/coins';
import { parseProviderTimestamp } from '../../domain/dates';
import { splitNumberList } from '../../domain/number-list';
import { parsePhoneNumber } from '../../domain/phone';
import type { DigidonarBody } from './digidonar.wire';

/** Digidonar is an Indian provider: national and 00-prefixed numbers are read as Indian. */
const HOME_COUNTRY = 'IN';

type Login = DigidonarBody['login_account'];

const COIN_FIELDS: ReadonlyArray<[CoinKind, keyof Login, keyof Login]> = [
  ['SMS', 'sms_coins', 'avail_sms_coins'],
  ['OBD', 'obd_coins', 'avail_obd_coins'],
  ['VOIP', 'voip_coins', 'avail_voip_coins'],
  ['CLICK_TO_CALL', 'clicktocall_coins', 'avail_clicktocall_coins'],
  ['CALL', 'call_coins', 'avail_call_coins'],
];

function numbers(list: string | null): Did[] {
  return splitNumberList(list).map((raw) => ({
    ...parsePhoneNumber(raw, HOME_COUNTRY),
    countryName: null,
    monthlyPrice: null,
  }));
}

/** Turns a decoded Digidonar body into the provider-neutral snapshot. */
export function digidonarSnapshot(
  body: DigidonarBody,
  accountId: string,
  timeZone: string,
  fetchedAt: Date,
): AccountSnapshot {
  const login = body.login_account;
  const timestamp = (raw: string | null) => (raw === null ? null : parseProviderTimestamp(raw, timeZone));
  const coins: CoinBalance[] = COIN_FIELDS.map(([kind, purchased, available]) =>
    coinBalance(kind, login[purchased], login[available]),
  );
  return {
    provider: 'DIGIDONAR',
    accountId,
    fetchedAt: fetchedAt.toISOString(),
    profile: {
      companyName: login.company_name,
      companyAddress: login.company_address,
      adminEmail: login.admin_email,
      adminFirstName: login.admin_Fname,
      adminLastName: login.admin_Lname,
      adminPhone: login.admin_number === null ? null : parsePhoneNumber(login.admin_number, HOME_COUNTRY),
    },
    coins,
    validity: {
      serviceOrder: login.service_order,
      createdAt: timestamp(login.create_at),
      updatedAt: timestamp(login.updated_on),
      expiresAt: timestamp(login.expired_on),
    },
    // Beside login_account is the documented place; inside it is accepted as well.
    deskPhones: numbers(body.desk_phone ?? login.desk_phone),
    dids: numbers(body.did_no ?? login.did_no),
    plan: null,
    addons: null,
    creditLimit: null,
    billingCycle: null,
    callRoute: null,
    paymentMethod: null,
    monthlyTotal: null,
    monthlyCharges: null,
  };
}
