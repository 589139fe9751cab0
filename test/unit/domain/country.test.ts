import { countryCodeFromName } from '../../../src/domain/country';

describe('countryCodeFromName', () => {
  it.each([
    ['United States', 'US'],
    ['Singapore', 'SG'],
    ['india', 'IN'],
    ['  SINGAPORE  ', 'SG'],
    ['United   States', 'US'],
    ['United States of America', 'US'],
    ['USA', 'US'],
    ['usa', 'US'],
    ['U.S.', 'US'],
    ['UK', 'GB'],
    ['United Kingdom', 'GB'],
    ['IN', 'IN'],
    ['sg', 'SG'],
    ['IND', 'IN'],
    ['sgp', 'SG'],
    ['South Korea', 'KR'],
    ['Russia', 'RU'],
    ["Cote d'Ivoire", 'CI'],
  ])('maps %j to %j', (name, code) => {
    expect(countryCodeFromName(name)).toBe(code);
  });

  it.each([[null], [undefined], [''], ['   '], ['Atlantis'], ['XX'], ['XYZ'], ['840']])('gives null for %j', (name) => {
    expect(countryCodeFromName(name)).toBeNull();
  });
});
