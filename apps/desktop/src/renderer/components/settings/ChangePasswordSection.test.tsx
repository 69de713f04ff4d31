import { cleanup, fireEvent, screen, waitFor } from '@solidjs/testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeServerError } from '../../test/fake-client';
import { openChatWithBob } from '../../test/signed-in';

afterEach(cleanup);

const type = (element: HTMLElement, value: string): void => {
  fireEvent.input(element, { target: { value } });
};

async function openForm() {
  const opened = await openChatWithBob(undefined, { open: false });
  fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
  fireEvent.click(await screen.findByRole('button', { name: 'Change password…' }));
  await screen.findByRole('form', { name: 'Change password' });
  const fill = (current: string, next: string, again = next): void => {
    type(screen.getByLabelText('Current password'), current);
    type(screen.getByLabelText('New password'), next);
    type(screen.getByLabelText('New password again'), again);
  };
  const submit = (): void =>
    void fireEvent.click(screen.getByRole('button', { name: 'Change password' }));
  const changes = () => opened.fake.calls.filter(([name]) => name === 'account.changePassword');
  return { ...opened, fill, submit, changes };
}

const fieldErrors = (id: string): string | null | undefined =>
  document.querySelector(`[data-field-errors="${id}"]`)?.textContent;

describe('change password', () => {
  it('checks the rules and the confirmation before asking the server', async () => {
    const { fill, submit, changes } = await openForm();
    expect(document.activeElement).toBe(screen.getByLabelText('Current password'));
    fill('Old-Password-1', 'short');
    const met = (rule: string) =>
      document.querySelector(`[data-rule="${rule}"]`)?.getAttribute('data-met');
    expect(met('minLength')).toBe('false');
    expect(met('uppercase')).toBe('false');
    submit();
    expect(fieldErrors('new-password')).toContain('does not meet every rule');
    fill('Old-Password-1', 'New-Password-2', 'New-Password-3');
    submit();
    expect(fieldErrors('confirm-password')).toContain('not the same');
    fill('', 'New-Password-2');
    submit();
    expect(fieldErrors('current-password')).toContain('Enter your current password');
    expect(changes()).toEqual([]);
  });

  it('says so on success and empties the form', async () => {
    const { fill, submit, changes } = await openForm();
    fill('Old-Password-1', 'New-Password-2');
    submit();
    expect((await screen.findByTestId('password-changed')).textContent).toBe(
      'Password changed; your other devices were signed out.',
    );
    expect(changes()).toEqual([
      [
        'account.changePassword',
        { currentPassword: 'Old-Password-1', newPassword: 'New-Password-2' },
      ],
    ]);
    expect(screen.getByLabelText<HTMLInputElement>('Current password').value).toBe('');
  });

  it('puts a wrong current password and the server’s failed rules by name next to their fields', async () => {
    const { fake, fill, submit } = await openForm();
    fake.data.changePasswordError = new FakeServerError('Wrong password.', {
      code: 'UNAUTHORIZED',
    });
    fill('Not-It-123', 'New-Password-2');
    submit();
    await waitFor(() => expect(fieldErrors('current-password')).toContain('Wrong password.'));

    fake.data.changePasswordError = new FakeServerError('Invalid input', {
      code: 'BAD_REQUEST',
      fieldErrors: {
        newPassword: ['Not a commonly used password', 'Not one of your last five passwords'],
      },
    });
    fill('Old-Password-1', 'Password123');
    submit();
    await waitFor(() =>
      expect(fieldErrors('new-password')).toContain('Not one of your last five passwords'),
    );
    expect(document.querySelector('[data-rule="common"]')?.getAttribute('data-met')).toBe('false');
  });
});
