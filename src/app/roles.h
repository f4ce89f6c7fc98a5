/*
** roles.h: the roles of docs/security.md, one bit each, and their names.
*/
#ifndef TG_APP_ROLES_H
#define TG_APP_ROLES_H

enum {
	R_OFFICE = 1u << 0,
	R_CIVIL_AFFAIRS = 1u << 1,
	R_UNIT = 1u << 2,
	R_DEPARTMENT = 1u << 3,
	R_ASSOCIATION = 1u << 4,
	R_SYSADMIN = 1u << 5,
	R_SECADMIN = 1u << 6,
	R_AUDITOR = 1u << 7,
	R_PUBLIC = 1u << 8 /* no session needed */
};
#define R_BUSINESS (R_OFFICE | R_CIVIL_AFFAIRS | R_UNIT | R_DEPARTMENT | R_ASSOCIATION)
#define R_ADMINS (R_SYSADMIN | R_SECADMIN | R_AUDITOR)
#define R_USERS (R_BUSINESS | R_ADMINS)

const char *role_name_of_bit(unsigned bit);
/* The bit of a role's name; 0 for none (and for "public"). */
unsigned role_bit(const char *role);

#endif
