/* The interface's own strings in English and Chinese. Like gettext, the
 * English text is the message id; tr() returns the translation for the
 * current language, or the id itself. The catalogue is po/zh.po, compiled
 * into po_zh.c at build time (see the Makefile), so msgfmt-style checks
 * apply and no locale needs to be installed. */
#ifndef MMAPLAB_I18N_H
#define MMAPLAB_I18N_H

struct translation {
    const char *id;
    const char *zh;
};

/* The catalogue (po_zh.c, generated) and its length. */
extern const struct translation po_zh[];
extern const int po_zh_count;

const char *tr(const char *lang, const char *id) __attribute__((format_arg(2)));

#endif
