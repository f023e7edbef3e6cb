/**
 * Emergency (civic) addresses. The schema makes every PIDF-LO field present
 * (RFC 5139: A1 region, A3 city, street, PC postal code, country); here the country must
 * be a real one and, where the format is fixed and well known, the postal code must fit
 * it: a wrong ZIP code sends a dispatcher to the wrong place.
 */
import type { Issues, Path } from './issues.js';
import { isKnownCountry } from './phone-number.js';
import type { RawCivicAddress } from './raw-dialplan.js';
import type { CivicAddress } from './types.js';

const POSTAL_CODES: Record<string, { pattern: RegExp; example: string }> = {
  US: { pattern: /^[0-9]{5}(-[0-9]{4})?$/, example: '94105 or 94105-1234' },
  CA: { pattern: /^[A-Z][0-9][A-Z] ?[0-9][A-Z][0-9]$/i, example: 'K1A 0B1' },
  GB: { pattern: /^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$/i, example: 'SW1A 1AA' },
  DE: { pattern: /^[0-9]{5}$/, example: '10117' },
  FR: { pattern: /^[0-9]{5}$/, example: '75001' },
};

const US_REGIONS = new Set(
  ('AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA ' +
    'RI SC SD TN TX UT VT VA WA WV WI WY AS GU MP PR VI').split(' '),
);

export function checkCivicAddress(raw: RawCivicAddress, path: Path, issues: Issues): CivicAddress {
  if (!isKnownCountry(raw.country)) {
    issues.add([...path, 'country'], `"${raw.country}" is not a country code`, 'use an ISO 3166-1 alpha-2 code, e.g. US, CA, GB, DE');
  }
  const postal = POSTAL_CODES[raw.country];
  if (postal && !postal.pattern.test(raw.postalCode)) {
    issues.add([...path, 'postalCode'], `"${raw.postalCode}" is not a ${raw.country} postal code`, `write it like ${postal.example}`);
  }
  if (raw.country === 'US' && !US_REGIONS.has(raw.region)) {
    issues.add([...path, 'region'], `"${raw.region}" is not a US state code`, 'use the two-letter USPS code, e.g. CA, NY, TX');
  }
  return { street: raw.street, unit: raw.unit, city: raw.city, region: raw.region, postalCode: raw.postalCode, country: raw.country };
}
