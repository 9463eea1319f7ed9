"""EncoderHeadModel: the common base of ELECTRA's generator and discriminator."""

import keras


class EncoderHeadModel(keras.Model):
    """A functional model made of one `ElectraBackbone` and a head.

    Its only constructor argument is the backbone (ELECTRA's word: the encoder),
    so one `get_config` / `from_config` pair serves the generator and the
    discriminator. Subclasses build their functional graph and hand it here with
    the encoder and the head's dtype policy.
    """

    def __init__(self, inputs, outputs, encoder, policy, **kwargs):
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)
        # A functional model ignores `dtype`; record the policy its layers use.
        self.dtype_policy = policy
        self.encoder = encoder

    @staticmethod
    def head_policy(encoder, dtype=None):
        """The head's dtype policy: `dtype` if given, else the encoder's."""
        return keras.dtype_policies.get(dtype or encoder.dtype_policy)

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "encoder": keras.layers.serialize(self.encoder),
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["encoder"] = keras.layers.deserialize(config["encoder"])
        return cls(**config)
