/*
** secret.c: sealing personal data with libsodium (see secret.h).
*/
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "secret.h"

#define PREFIX "v1:"
#define NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG crypto_aead_xchacha20poly1305_ietf_ABYTES

static int ensure_sodium(tg_error *err)
{
	if (sodium_init() < 0)
		return tg_error_set(err, TG_EIO, "crypto_init", "", "无法初始化加密库");
	return TG_OK;
}

static int read_key(int fd, tg_secret_key *key, const char *path, tg_error *err)
{
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
		return tg_error_set(err, TG_EIO, "key_file", path, "密钥文件无效");
	if (st.st_mode & (S_IRWXG | S_IRWXO))
		return tg_error_set(err, TG_EINVAL, "key_file_mode", path,
				    "密钥文件权限过宽（应为 0600，仅属主可读写）");
	ssize_t n = read(fd, key->k, sizeof key->k);
	if (n != (ssize_t)sizeof key->k)
		return tg_error_set(err, TG_EIO, "key_file", path, "密钥文件长度不对（应为 32 字节）");
	return TG_OK;
}

static int load_existing(const char *path, tg_secret_key *key, tg_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return tg_error_set(err, TG_EIO, "key_file", path, "无法读取密钥文件");
	int rc = read_key(fd, key, path, err);
	close(fd);
	return rc;
}

/* The folder holding path, made durable after a new name in it. */
static void sync_folder(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - path + (slash == path)), path);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* A new key is written whole under a name of its own, then linked into
** place: several processes opening a fresh database at once (servers
** starting together) race here, link() lets exactly one of them win, and
** the others read the winner's key, never a half-written file. */
static int create_key(const char *path, tg_secret_key *key, tg_error *err)
{
	char tmp[PATH_MAX];
	unsigned char tag[8];
	char hex[2 * sizeof tag + 1];
	randombytes_buf(tag, sizeof tag);
	sodium_bin2hex(hex, sizeof hex, tag, sizeof tag);
	if (snprintf(tmp, sizeof tmp, "%s.%s.tmp", path, hex) >= (int)sizeof tmp)
		return tg_error_set(err, TG_EINVAL, "key_file", path, "密钥文件路径过长");
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return tg_error_set(err, TG_EIO, "key_file", path, "无法创建密钥文件");
	randombytes_buf(key->k, sizeof key->k);
	int rc = write(fd, key->k, sizeof key->k) == (ssize_t)sizeof key->k && fsync(fd) == 0
			 ? TG_OK
			 : tg_error_set(err, TG_EIO, "key_file", path, "无法写入密钥文件");
	close(fd);
	if (rc == TG_OK && link(tmp, path) != 0) {
		rc = errno == EEXIST ? load_existing(path, key, err)
				     : tg_error_set(err, TG_EIO, "key_file", path, "无法创建密钥文件");
	} else if (rc == TG_OK) {
		sync_folder(path);
	}
	unlink(tmp);
	return rc;
}

int secret_key_load(const char *path, int create, tg_secret_key *key, tg_error *err)
{
	int rc = ensure_sodium(err);
	if (rc)
		return rc;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		rc = read_key(fd, key, path, err);
		close(fd);
		return rc;
	}
	if (errno != ENOENT || !create)
		return tg_error_set(err, TG_EIO, "key_file", path, "无法读取密钥文件");
	return create_key(path, key, err);
}

void secret_key_new_path(const char *path, char *out, size_t size)
{
	snprintf(out, size, "%s.new", path);
}

void secret_key_old_path(const char *path, char *out, size_t size)
{
	snprintf(out, size, "%s.old", path);
}

int secret_key_write_new(const char *path, tg_secret_key *key, tg_error *err)
{
	char tmp[PATH_MAX];
	int rc = ensure_sodium(err);
	if (rc)
		return rc;
	secret_key_new_path(path, tmp, sizeof tmp);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return tg_error_set(err, TG_EIO, errno == EEXIST ? "key_new_exists" : "key_file", tmp,
				    errno == EEXIST ? "已有未完成的密钥轮换文件" : "无法创建新密钥文件");
	randombytes_buf(key->k, sizeof key->k);
	rc = write(fd, key->k, sizeof key->k) == (ssize_t)sizeof key->k && fsync(fd) == 0
		     ? TG_OK
		     : tg_error_set(err, TG_EIO, "key_file", tmp, "无法写入新密钥文件");
	close(fd);
	if (rc) {
		unlink(tmp);
		return rc;
	}
	sync_folder(tmp);
	return TG_OK;
}

static bool same_key_file(const char *a, const char *b)
{
	tg_secret_key x, y;
	tg_error ignored;
	bool same = load_existing(a, &x, &ignored) == TG_OK && load_existing(b, &y, &ignored) == TG_OK &&
		    sodium_memcmp(x.k, y.k, sizeof x.k) == 0;
	sodium_memzero(&x, sizeof x);
	sodium_memzero(&y, sizeof y);
	return same;
}

int secret_key_install(const char *path, tg_error *err)
{
	char next[PATH_MAX], old[PATH_MAX];
	secret_key_new_path(path, next, sizeof next);
	secret_key_old_path(path, old, sizeof old);
	/* a second link to the old key; already there (a crash after it): the
	** same key, else an old key of another rotation, never overwritten */
	if (link(path, old) != 0 && !(errno == EEXIST && same_key_file(path, old)))
		return tg_error_set(err, TG_EIO, "key_old_exists", old,
				    "无法保留旧密钥（已有另一个旧密钥文件？）；新密钥仍在“%s”", next);
	sync_folder(old);
	if (rename(next, path) != 0)
		return tg_error_set(err, TG_EIO, "key_file", path, "无法把新密钥“%s”换入", next);
	sync_folder(path);
	return TG_OK;
}

int secret_key_recover(const char *path, const char *ad, const char *sealed, tg_error *err)
{
	char next[PATH_MAX], *plain = NULL;
	tg_secret_key key;
	tg_error ignored;
	struct stat st;
	secret_key_new_path(path, next, sizeof next);
	if (stat(next, &st) != 0 && errno == ENOENT)
		return TG_OK;
	int rc = ensure_sodium(err);
	if (rc)
		return rc;
	/* a .new that cannot be read (cut short: written before the
	** transaction, so never committed to) holds nothing */
	bool under_new = sealed && secret_key_load(next, 0, &key, &ignored) == TG_OK &&
			 secret_open(&key, sealed, ad, &plain, &ignored) == TG_OK;
	bool under_old = false;
	if (!under_new && sealed) {
		rc = secret_key_load(path, 0, &key, err);
		under_old = rc == TG_OK && secret_open(&key, sealed, ad, &plain, &ignored) == TG_OK;
	}
	if (plain) {
		sodium_memzero(plain, strlen(plain));
		free(plain);
		plain = NULL;
	}
	sodium_memzero(&key, sizeof key);
	/* Another process opening the database at the same time (servers
	** starting together) may finish first: .new gone, and the key in place
	** opening the data, is done. */
	if (under_new) {
		rc = secret_key_install(path, err);
		if (rc && stat(next, &st) != 0 && errno == ENOENT &&
		    secret_key_load(path, 0, &key, &ignored) == TG_OK &&
		    secret_open(&key, sealed, ad, &plain, &ignored) == TG_OK) {
			sodium_memzero(plain, strlen(plain));
			free(plain);
			rc = TG_OK;
		}
		sodium_memzero(&key, sizeof key);
		return rc;
	}
	if (under_old || !sealed) {
		if (unlink(next) != 0 && errno != ENOENT)
			return tg_error_set(err, TG_EIO, "key_file", next, "无法删除未完成的新密钥文件");
		sync_folder(next);
		return TG_OK;
	}
	return rc ? rc
		  : tg_error_set(err, TG_EINVAL, "key_rotate_unknown", path,
				 "密钥轮换未完成，且新旧密钥都无法解密数据库中的数据；"
				 "请找回正确的密钥文件");
}

int secret_is_sealed(const char *text)
{
	return text && !strncmp(text, PREFIX, strlen(PREFIX));
}

int secret_seal(const tg_secret_key *key, const char *plaintext, const char *ad, char **sealed,
		tg_error *err)
{
	int rc = ensure_sodium(err);
	if (rc)
		return rc;
	size_t n = strlen(plaintext);
	size_t raw_len = NONCE + n + TAG;
	unsigned char *raw = malloc(raw_len);
	size_t b64_len = sodium_base64_ENCODED_LEN(raw_len, sodium_base64_VARIANT_ORIGINAL);
	char *out = malloc(strlen(PREFIX) + b64_len);
	if (!raw || !out) {
		free(raw);
		free(out);
		return TG_ENOMEM;
	}
	randombytes_buf(raw, NONCE);
	unsigned long long clen;
	crypto_aead_xchacha20poly1305_ietf_encrypt(raw + NONCE, &clen, (const unsigned char *)plaintext,
						   n, (const unsigned char *)ad, strlen(ad), NULL, raw,
						   key->k);
	memcpy(out, PREFIX, strlen(PREFIX));
	sodium_bin2base64(out + strlen(PREFIX), b64_len, raw, NONCE + (size_t)clen,
			  sodium_base64_VARIANT_ORIGINAL);
	free(raw);
	*sealed = out;
	return TG_OK;
}

int secret_open(const tg_secret_key *key, const char *sealed, const char *ad, char **plaintext,
		tg_error *err)
{
	int rc = ensure_sodium(err);
	if (rc)
		return rc;
	*plaintext = NULL;
	if (!secret_is_sealed(sealed))
		return tg_error_set(err, TG_EINVAL, "not_sealed", "", "数据未加密或格式不对");
	const char *b64 = sealed + strlen(PREFIX);
	size_t cap = strlen(b64), raw_len;
	unsigned char *raw = malloc(cap + 1);
	if (!raw)
		return TG_ENOMEM;
	if (sodium_base642bin(raw, cap, b64, strlen(b64), NULL, &raw_len, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    raw_len < NONCE + TAG) {
		free(raw);
		return tg_error_set(err, TG_EINVAL, "bad_sealed", "", "加密数据已损坏");
	}
	char *out = malloc(raw_len - NONCE - TAG + 1);
	unsigned long long mlen;
	if (!out || crypto_aead_xchacha20poly1305_ietf_decrypt(
			    (unsigned char *)out, &mlen, NULL, raw + NONCE, raw_len - NONCE, (const unsigned char *)ad,
			    strlen(ad), raw, key->k) != 0) {
		free(raw);
		free(out);
		return tg_error_set(err, TG_EINVAL, "bad_sealed", "",
				    "无法解密：数据被篡改、属于其他记录或密钥不对");
	}
	out[mlen] = '\0';
	free(raw);
	*plaintext = out;
	return TG_OK;
}
