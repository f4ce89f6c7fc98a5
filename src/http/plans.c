/*
** plans.c: the plans a server holds, and learning of `plan use` without a
** restart (issue 12 item 3, 六(一)).
**
** The server judges records under the register's plan (or the file of
** `serve --plan`, for this run) and the plans jurisdictions adopted.  Each
** is a document in the store; `tuogou plan use` in another process writes
** one and bumps the store's generation.  So before a request's handler
** runs, http_plans_refresh compares the generation it reads (inside the
** request's snapshot, the one cache_get reads too) with the one the held
** plans were read at; when it moved, a digest of the stored documents says
** whether a plan changed (most writes change records, not plans), and only
** then are the plans loaded again and swapped in.
**
** A plan swapped out may still be read by a request in flight: it is kept
** (retired) until the server stops, never freed under a reader.  A stored
** plan that no longer loads keeps the plans held, with a line on stderr.
*/
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plans.h"
#include "rules.h"
#include "store.h"

/* The digest of the documents that make up the plans: the register's (none
** with --plan: the file is fixed for the run) and each jurisdiction's with
** its code. */
struct digest_walk {
	crypto_generichash_state h;
};

static int digest_one(const char *code, const char *json, size_t len, void *ctx)
{
	struct digest_walk *w = ctx;
	crypto_generichash_update(&w->h, (const unsigned char *)code, strlen(code) + 1);
	crypto_generichash_update(&w->h, (const unsigned char *)json, len);
	crypto_generichash_update(&w->h, (const unsigned char *)"", 1);
	return 0;
}

static int plans_digest(tg_http_server *srv, tg_store *s, const char *root_json, size_t root_len,
			unsigned char out[HTTP_PLANS_DIGEST], tg_error *err)
{
	struct digest_walk w;
	crypto_generichash_init(&w.h, NULL, 0, HTTP_PLANS_DIGEST);
	if (!srv->plan_file && root_json)
		crypto_generichash_update(&w.h, (const unsigned char *)root_json, root_len);
	crypto_generichash_update(&w.h, (const unsigned char *)"", 1);
	int rc = store_jurisdiction_plans(s, digest_one, &w, err);
	crypto_generichash_final(&w.h, out, HTTP_PLANS_DIGEST);
	return rc;
}

/* Load the plans from s: the root (--plan or the stored document, else
** the built-in plan), checked, with every jurisdiction's attached; and
** the digest of the documents read. */
static int plans_read(tg_http_server *srv, tg_store *s, tg_plan **out,
		      unsigned char digest[HTTP_PLANS_DIGEST], tg_error *err)
{
	tg_errors errs;
	tg_errors_init(&errs);
	char *json = NULL;
	size_t len = 0;
	tg_plan *plan = NULL;
	int rc = srv->plan_file ? TG_OK : store_get_plan(s, &json, &len, err);
	if (rc == TG_OK)
		rc = plans_digest(srv, s, json, len, digest, err);
	if (rc == TG_OK) {
		rc = srv->plan_file ? plan_load_file(srv->plan_file, &plan, &errs)
		     : json	    ? plan_load_buffer(json, len, &plan, &errs)
				    : plan_load_default(&plan, &errs);
		if (rc == TG_OK && rules_check_plan(plan, &errs))
			rc = TG_EINVAL;
		/* the plans of jurisdictions (六(一)) */
		if (rc == TG_OK && store_attach_jurisdiction_plans(s, plan, &errs, err))
			rc = errs.count ? TG_EINVAL : TG_EIO;
		if (rc)
			tg_error_set(err, rc, "bad_plan", errs.count ? errs.items[0].path : "",
				     "%s有误：%s",
				     srv->plan_file ? "--plan 指定的方案" : "登记簿中保存的方案",
				     errs.count ? errs.items[0].message : "");
	}
	free(json);
	tg_errors_free(&errs);
	if (rc) {
		plan_free(plan);
		return rc;
	}
	*out = plan;
	return TG_OK;
}

/* The batch ids of plan, NULL-terminated (malloc'd). */
static const char **batch_ids(const tg_plan *plan)
{
	const char **ids = calloc(plan->n_batches + 1, sizeof *ids);
	for (size_t i = 0; ids && i < plan->n_batches; i++)
		ids[i] = plan->batches[i].id;
	return ids;
}

int http_plans_load(tg_http_server *srv, tg_store *s, tg_error *err)
{
	int64_t gen = 0;
	tg_plan *plan = NULL;
	int rc = store_generation(s, &gen, err);
	if (rc == TG_OK)
		rc = plans_read(srv, s, &plan, srv->plans_digest, err);
	if (rc)
		return rc;
	const char **ids = batch_ids(plan);
	if (!ids) {
		plan_free(plan);
		return TG_ENOMEM;
	}
	pthread_mutex_init(&srv->plans_lock, NULL);
	srv->plans_lock_made = true;
	atomic_store(&srv->plan, plan);
	atomic_store(&srv->plan_batches, ids);
	atomic_store(&srv->plans_generation, gen);
	return TG_OK;
}

/* Keep what was swapped out until the server stops (under plans_lock). */
static void retire(tg_http_server *srv, tg_plan *plan, const char **ids)
{
	struct http_retired *r = malloc(sizeof *r);
	if (!r)
		abort();
	r->plan = plan;
	r->batches = ids;
	r->next = srv->retired;
	srv->retired = r;
}

void http_plans_refresh(http_request *rq, tg_store *s)
{
	tg_http_server *srv = rq->srv;
	int64_t gen;
	if (!s || !srv->plans_lock_made || store_generation(s, &gen, NULL) ||
	    gen == atomic_load(&srv->plans_generation))
		return;
	pthread_mutex_lock(&srv->plans_lock);
	if (gen != atomic_load(&srv->plans_generation)) {
		tg_error err = {0};
		char *json = NULL;
		size_t len = 0;
		unsigned char digest[HTTP_PLANS_DIGEST];
		int rc = srv->plan_file ? TG_OK : store_get_plan(s, &json, &len, &err);
		if (rc == TG_OK)
			rc = plans_digest(srv, s, json, len, digest, &err);
		free(json);
		tg_plan *plan = NULL;
		if (rc == TG_OK && memcmp(digest, srv->plans_digest, sizeof digest) &&
		    (rc = plans_read(srv, s, &plan, digest, &err)) == TG_OK) {
			const char **ids = batch_ids(plan);
			if (!ids)
				abort();
			retire(srv, atomic_load(&srv->plan), atomic_load(&srv->plan_batches));
			atomic_store(&srv->plan_batches, ids);
			atomic_store(&srv->plan, plan);
			memcpy(srv->plans_digest, digest, sizeof digest);
			if (srv->log)
				fprintf(stderr, "tuogou: 登记簿中的方案已更新，已重新载入（方案 %s，"
						"行政区划方案 %zu 个）\n",
					plan->id, plan->n_places);
		} else if (rc) {
			fprintf(stderr, "tuogou: 登记簿中的方案已更新但无法载入，仍按原方案运行：%s\n",
				err.message);
		}
		atomic_store(&srv->plans_generation, gen);
	}
	pthread_mutex_unlock(&srv->plans_lock);
}

void http_plans_free(tg_http_server *srv)
{
	plan_free(atomic_load(&srv->plan));
	free(atomic_load(&srv->plan_batches));
	for (struct http_retired *r = srv->retired, *next; r; r = next) {
		next = r->next;
		plan_free(r->plan);
		free(r->batches);
		free(r);
	}
	srv->retired = NULL;
	if (srv->plans_lock_made)
		pthread_mutex_destroy(&srv->plans_lock);
}
