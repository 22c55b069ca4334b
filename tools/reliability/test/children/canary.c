/* canary.c -- a deliberately broken addon: proves the ASan/UBSan setup reports a heap overflow */
#include <node_api.h>
#include <stdlib.h>

static napi_value
overflow(napi_env env, napi_callback_info info)
{
	(void)info;
	volatile char *bytes = malloc(16);
	bytes[16] = 1; /* one past the end */
	free((void *)bytes);
	napi_value undefined;
	napi_get_undefined(env, &undefined);
	return undefined;
}

NAPI_MODULE_INIT()
{
	napi_value fn;
	napi_create_function(env, "overflow", NAPI_AUTO_LENGTH, overflow, NULL, &fn);
	napi_set_named_property(env, exports, "overflow", fn);
	return exports;
}
