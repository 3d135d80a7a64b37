/** The Zoho modules whose records the assistant works. */
export const WORKED_MODULES = ['Leads', 'Contacts', 'Deals'] as const;
