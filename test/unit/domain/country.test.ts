import { getNames, getSimpleAlpha2Code } from 'i18n-iso-countries/index';
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

describe('countryCodeFromName, as the library compares names', () => {
  it.each([
    ["Côte d'Ivoire", 'CI'],
    ['CÔTE D\'IVOIRE', 'CI'],
    ["Cøte d'Ivoire", 'CI'],
    ['Åland Islands', 'AX'],
    ['Aland Islands', 'AX'],
    ['Curaçao', 'CW'],
    ['Curacao', 'CW'],
    ['Re\u0301union', 'RE'],
    ['São Tomé and Príncipe', 'ST'],
  ])('maps %j to %j', (name, code) => {
    expect(countryCodeFromName(name)).toBe(code);
  });

  it('agrees with the library on every English name and alias it knows', () => {
    for (const names of Object.values(getNames('en', { select: 'all' }))) {
      for (const name of names) {
        for (const spelling of [name, name.toUpperCase(), name.toLowerCase(), `  ${name} `]) {
          expect([spelling, countryCodeFromName(spelling)]).toEqual([spelling, getSimpleAlpha2Code(spelling.trim(), 'en') ?? null]);
        }
      }
    }
  });

  it('gives null at once for a text longer than any country name', () => {
    expect(countryCodeFromName(`United States${' of America'.repeat(20)}`)).toBeNull();
  });
});
