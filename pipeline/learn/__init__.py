"""The networks and what fits them: TensorFlow set up for same-bytes runs (``tf_setup``), the Keras
architectures (``models``), augmentation, the one seeded training loop (``loop``) and its three users
(the classifier's ``training``, the ``gate``, a person's fine-tuning in ``adapt``), Keras files in and
out (``keras_model``), and the ONNX export with its int8 copy (``onnx_export``, ``quantize``).

The library's only package that imports TensorFlow (the stages and the ``ensemble`` tool that use it
import it too); the data stages never load it."""
