/*
** store_keys.c: the store's keys, written once over the driver interface
** (db.h): the data key that seals ID numbers, birth dates and TOTP secrets
** (secret.h) and the audit chain's HMAC key (audit.h), both held in
** tg_store; what needs a key and finds none says which file is missing.
*/
#include "store.h"
#include "store_impl.h"

int store_need_key(tg_store *s, tg_error *err)
{
	if (s->have_key)
		return TG_OK;
	return tg_error_set(err, TG_EIO, "key_missing", s->key_path,
			    "缺少加密密钥文件“%s”：数据库中已有加密的公民身份号码，"
			    "请恢复原密钥文件（或用 --key、TUOGOU_KEY 指定）",
			    s->key_path);
}
