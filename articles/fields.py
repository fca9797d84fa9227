"""Model fields that keep stored text in Unicode NFC, whatever the form or importer sent."""

import unicodedata

from django.db import models


class NFCMixin:
    def pre_save(self, model_instance, add):
        value = super().pre_save(model_instance, add)
        if isinstance(value, str):
            value = unicodedata.normalize("NFC", value)
            setattr(model_instance, self.attname, value)
        return value


class NFCCharField(NFCMixin, models.CharField):
    pass


class NFCTextField(NFCMixin, models.TextField):
    pass
