import { badRequest } from '@suite/toolbox';

/** Throws a 400 naming the problem when the recipient's domain is not one of `allowedDomains`. */
export type CheckRecipient = (to: string) => void;

/**
 * Recipients are limited to the configured domains (compared without regard to case, exactly: a
 * subdomain is another domain); an empty list allows every domain.
 */
export function allowRecipientDomains(allowedDomains: readonly string[]): CheckRecipient {
  if (allowedDomains.length === 0) return () => undefined;
  const allowed = new Set(allowedDomains.map((domain) => domain.toLowerCase()));
  const list = [...allowed].join(', ');
  return (to) => {
    const domain = to.slice(to.lastIndexOf('@') + 1).toLowerCase();
    if (!allowed.has(domain)) {
      throw badRequest(`to: this service does not send mail to ${domain} (allowed domains: ${list})`);
    }
  };
}
