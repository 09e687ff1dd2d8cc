/* msg.c — webwxsync's messages as wx-sync prints them (protocol.md §8,
 * design.md §3): the TypeName of a MsgType. */
#include "wx.h"

const char *
wx_msg_typename(long long type, long long apptype, long long subtype)
{
	switch (type) {
	case 1:     return subtype == 48 ? "location" : "text";
	case 3:     return "image";
	case 34:    return "voice";
	case 37:    return "verify";
	case 42:    return "card";
	case 43: case 44: case 62:
	            return "video";
	case 47:    return "emoji";
	case 48:    return "location";
	case 49:
		switch (apptype) {
		case 6:  return "file";
		case 8:  return "emoji";
		default: return "link";
		}
	case 51:    return "status";
	case 50: case 52: case 53: case 9999: case 10000:
	            return "system";
	case 10002: return "revoke";
	default:    return "unknown";
	}
}
