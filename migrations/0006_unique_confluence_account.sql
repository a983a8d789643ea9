-- 0006: one UMIG user per Confluence account. usr_confluence_user_id is how every request is
-- mapped to a user (the Forge principal's accountId); the seed leaves it non-unique, which would
-- make identity ambiguous. Unset ids (users not yet linked) stay allowed, any number of them.
CREATE UNIQUE INDEX uq_usr_confluence_user_id ON public.users_usr USING btree (usr_confluence_user_id) WHERE (usr_confluence_user_id IS NOT NULL);
