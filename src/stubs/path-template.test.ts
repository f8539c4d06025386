import { describe, expect, it } from 'vitest';
import { extractParams, idStrength, inferTemplates, templateParams } from './path-template.js';

const SID_A = `AC${'0123456789abcdef'.repeat(2)}`;
const SID_B = `AC${'fedcba9876543210'.repeat(2)}`;
const SM_1 = `SM${'a1'.repeat(16)}`;
const SM_2 = `SM${'b2'.repeat(16)}`;

describe('idStrength', () => {
  it('knows ids from words', () => {
    expect(idStrength('cus_NffrFeUfNV2Hib')).toBe('strong');
    expect(idStrength('ch_3MmlLrLkdIwHu7ix')).toBe('strong');
    expect(idStrength('cus_123')).toBe('strong');
    expect(idStrength('sk_test_4eC39HqLyjWDarjtT1zdp7dc')).toBe('strong');
    expect(idStrength(SID_A)).toBe('strong');
    expect(idStrength('3f2504e0-4f89-11d3-9a0c-0305e82c3301')).toBe('strong');
    expect(idStrength('5f3a9c2e1b')).toBe('strong');
    expect(idStrength('ada%40example.com')).toBe('strong');
    expect(idStrength('123456')).toBe('strong');
    expect(idStrength('42')).toBe('weak');
    for (const word of ['customers', 'payment_intents', 'search', 'v1', '2010-04-01', 'Messages.json', 'line_items', 'me']) {
      expect(idStrength(word), word).toBeUndefined();
    }
  });
});

describe('inferTemplates', () => {
  it('templates Stripe ids after their collection and keeps literal siblings literal', () => {
    const t = inferTemplates([
      '/v1/customers/cus_NffrFeUfNV2Hib',
      '/v1/customers/cus_OaBc12',
      '/v1/customers/search',
      '/v1/customers',
      '/v1/payment_intents/pi_3MtwBwLkdIwHu7ix28a3tqPa/confirm',
      '/v1/customers/cus_OaBc12/sources/card_1NGTaT2eZvKYlo2C',
    ]);
    expect(t.get('/v1/customers/cus_NffrFeUfNV2Hib')).toBe('/v1/customers/{customer}');
    expect(t.get('/v1/customers/cus_OaBc12')).toBe('/v1/customers/{customer}');
    expect(t.get('/v1/customers/search')).toBe('/v1/customers/search');
    expect(t.get('/v1/customers')).toBe('/v1/customers');
    expect(t.get('/v1/payment_intents/pi_3MtwBwLkdIwHu7ix28a3tqPa/confirm')).toBe('/v1/payment_intents/{payment_intent}/confirm');
    expect(t.get('/v1/customers/cus_OaBc12/sources/card_1NGTaT2eZvKYlo2C')).toBe('/v1/customers/{customer}/sources/{source}');
  });

  it('templates Twilio SIDs, keeping the .json suffix and the dated version literal', () => {
    const t = inferTemplates([
      `/2010-04-01/Accounts/${SID_A}/Messages.json`,
      `/2010-04-01/Accounts/${SID_A}/Messages/${SM_1}.json`,
      `/2010-04-01/Accounts/${SID_B}/Messages/${SM_2}.json`,
    ]);
    expect(t.get(`/2010-04-01/Accounts/${SID_A}/Messages.json`)).toBe('/2010-04-01/Accounts/{Account}/Messages.json');
    expect(t.get(`/2010-04-01/Accounts/${SID_B}/Messages/${SM_2}.json`)).toBe('/2010-04-01/Accounts/{Account}/Messages/{Message}.json');
  });

  it('templates numbers only where they vary, and long numbers always', () => {
    const t = inferTemplates(['/api/2/items/17', '/api/2/items/18', '/api/2/orders/123456', '/api/2/tags/7']);
    expect(t.get('/api/2/items/17')).toBe('/api/2/items/{item}');
    expect(t.get('/api/2/items/18')).toBe('/api/2/items/{item}');
    expect(t.get('/api/2/orders/123456')).toBe('/api/2/orders/{order}');
    // one recording of a short number: kept literal (could be a version or a page)
    expect(t.get('/api/2/tags/7')).toBe('/api/2/tags/7');
  });

  it('templates UUIDs and emails, naming parameters without a usable literal `id`', () => {
    const u1 = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
    const u2 = '9b2c1a7e-0000-4000-8000-123456789abc';
    const t = inferTemplates([`/files/${u1}`, `/files/${u2}/versions/3f2b9c7d12`, `/users/ada%40example.com`, `/${u1}`]);
    expect(t.get(`/files/${u1}`)).toBe('/files/{file}');
    expect(t.get(`/files/${u2}/versions/3f2b9c7d12`)).toBe('/files/{file}/versions/{version}');
    expect(t.get('/users/ada%40example.com')).toBe('/users/{user}');
    expect(t.get(`/${u1}`)).toBe('/{id}');
    expect(inferTemplates([`/v2/${u1}/${u2}`]).get(`/v2/${u1}/${u2}`)).toBe('/v2/{id}/{id2}');
  });

  it('does not depend on input order', () => {
    const paths = ['/a/17', '/a/18', '/b/cus_1x9', '/b/search'];
    expect([...inferTemplates(paths)].sort()).toEqual([...inferTemplates([...paths].reverse())].sort());
  });
});

describe('templateParams / extractParams', () => {
  it('reads parameters back, suffixes included', () => {
    expect(templateParams('/2010-04-01/Accounts/{Account}/Messages/{Message}.json')).toEqual(['Account', 'Message']);
    expect(extractParams('/2010-04-01/Accounts/{Account}/Messages/{Message}.json', `/2010-04-01/Accounts/${SID_A}/Messages/${SM_1}.json`)).toEqual({
      Account: SID_A,
      Message: SM_1,
    });
    expect(extractParams('/v1/customers/{customer}', '/v1/customers/search/x')).toBeUndefined();
  });
});
