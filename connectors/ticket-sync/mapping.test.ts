import { describe, expect, it } from 'vitest';
import { createMapper } from './mapping.js';

const map = createMapper();
const ticket = {
  id: 'HD-1042',
  subject: '  Cannot log in  ',
  status: 'open',
  priority: 'urgent',
  requester: { name: 'Amara Okafor', email: 'amara@customer.example' },
  assignee: null,
  tags: ['Login', 'auth', 'login'],
  created_at: '2025-03-03T09:10:00Z',
  updated_at: '2025-03-03T15:20:00Z',
  unknown_extra: true,
};

describe('createMapper', () => {
  it('maps a ticket to a valid issue input (missing description → empty, tags normalised, extras ignored)', () => {
    expect(map(ticket)).toEqual({
      ok: true,
      ticketId: 'HD-1042',
      input: {
        external_id: 'HD-1042',
        title: 'Cannot log in',
        description: '',
        state: 'in_progress',
        priority: 'p1',
        labels: ['helpdesk', 'login', 'auth'],
        reporter_email: 'amara@customer.example',
      },
    });
  });

  it('rejects a blank subject, a bad email and unknown enums with one reason each', () => {
    expect(map({ ...ticket, subject: '   ', status: 'escalated', priority: 'asap', requester: { email: 'nobody' } })).toEqual({
      ok: false,
      ticketId: 'HD-1042',
      reasons: ['status "escalated" has no tracker state', 'priority "asap" has no tracker priority', 'title must NOT have fewer than 1 characters', 'reporter_email must match format "email"'],
    });
  });

  it('rejects a ticket without an id or requester', () => {
    expect(map({ subject: 'x', status: 'new', priority: 'low' })).toEqual({
      ok: false,
      ticketId: '(no id)',
      reasons: ['external_id is missing', 'reporter_email is missing'],
    });
  });
});
