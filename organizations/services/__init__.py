"""State changes of organizations (organizations), of their members and invitations (memberships), and of
people's accounts (accounts). Each writes an audit event."""
