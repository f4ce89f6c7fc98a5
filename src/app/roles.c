/*
** roles.c: the names of the roles (roles.h), as sessions, accounts and the
** route table (`tuogou routes`) spell them.
*/
#include <stddef.h>
#include <string.h>

#include "roles.h"

static const struct {
	unsigned bit;
	const char *name;
} role_names[] = {
	{R_OFFICE, "office"},     {R_CIVIL_AFFAIRS, "civil_affairs"}, {R_UNIT, "unit"},
	{R_DEPARTMENT, "department"}, {R_ASSOCIATION, "association"}, {R_SYSADMIN, "sysadmin"},
	{R_SECADMIN, "secadmin"}, {R_AUDITOR, "auditor"},           {R_PUBLIC, "public"},
};

const char *role_name_of_bit(unsigned bit)
{
	for (size_t i = 0; i < sizeof role_names / sizeof role_names[0]; i++)
		if (role_names[i].bit == bit)
			return role_names[i].name;
	return NULL;
}

unsigned role_bit(const char *role)
{
	for (size_t i = 0; i < sizeof role_names / sizeof role_names[0]; i++)
		if (role && role_names[i].bit != R_PUBLIC && !strcmp(role_names[i].name, role))
			return role_names[i].bit;
	return 0;
}

