"""course.tensorboard.layout: the tag names and the dashboards' layouts, read back from the protos
TensorBoard's plugins parse."""
from tensorboard.plugins.custom_scalar import layout_pb2
from tensorboard.plugins.hparams import plugin_data_pb2

from course.tensorboard import layout


def test_entry_tags_name_every_entry_in_flat_order():
    assert layout.entry_tags("parameters", ["output/kernel", "output/bias"], [(2, 1), (1,)]) == [
        "parameters/output/kernel[0,0]", "parameters/output/kernel[1,0]", "parameters/output/bias[0]"]
    assert layout.entry_tags("gradients", ["h/kernel"], [(2, 2)])[1:3] == ["gradients/h/kernel[0,1]",
                                                                          "gradients/h/kernel[1,0]"]


def test_histogram_tags_of_kernels_biases_and_other_weights():
    assert layout.histogram_tags("hidden_1/kernel") == ("weights/hidden_1", "gradients/hidden_1/kernel")
    assert layout.histogram_tags("output/bias") == ("biases/output", "gradients/output/bias")
    assert layout.histogram_tags("lstm_cell/recurrent_kernel") == ("recurrent_kernel/lstm_cell",
                                                                   "gradients/lstm_cell/recurrent_kernel")
    assert layout.histogram_tags("norm_1/gamma") == ("gamma/norm_1", "gradients/norm_1/gamma")


def test_markdown_table():
    assert layout.markdown_table({"lr": 0.1}) == "| setting | value |\n|---|---|\n| lr | 0.1 |"
    assert layout.markdown_table({}) == "| setting | value |\n|---|---|"


def test_hparams_summary_is_one_session_with_every_value():
    summary = layout.hparams_summary({"lr": 0.1, "optimizer": "sgd", "eager": False, "epochs": 3,
                                      "hidden": (16, 16)}, "day2_mlp/20261121-181500_moons")
    (value,) = summary.value
    assert value.tag == "_hparams_/session_start_info" and value.metadata.plugin_data.plugin_name == "hparams"
    info = plugin_data_pb2.HParamsPluginData.FromString(value.metadata.plugin_data.content).session_start_info
    assert info.group_name == "day2_mlp/20261121-181500_moons"
    hparams = {k: v for k, v in info.hparams.items()}
    assert hparams["lr"].number_value == 0.1 and hparams["epochs"].number_value == 3
    assert hparams["optimizer"].string_value == "sgd" and hparams["eager"].HasField("bool_value")
    assert hparams["eager"].bool_value is False
    assert hparams["hidden"].string_value == "(16, 16)"          # not a number, string or bool: its text
    (unnamed,) = layout.hparams_summary({"lr": 0.1}).value       # the default: the trial named after its run
    info = plugin_data_pb2.HParamsPluginData.FromString(unnamed.metadata.plugin_data.content).session_start_info
    assert info.group_name == "" and info.hparams["lr"].number_value == 0.1


def test_custom_scalars_put_train_and_validation_on_one_chart():
    layout_proto = layout.custom_scalars_layout()
    assert isinstance(layout_proto, layout_pb2.Layout)
    (category,) = layout_proto.category
    assert category.title == "train vs validation, per epoch"
    assert [(c.title, list(c.multiline.tag)) for c in category.chart] == [
        ("loss: train and validation", ["^epoch_loss$"]), ("accuracy: train and validation", ["^epoch_accuracy$"])]
    more = layout.custom_scalars_layout(examples_axis=True, log10_batch_loss=True, log10_epoch_loss=True)
    assert [c.title for c in more.category] == [
        "train vs validation, per epoch", "runs side by side: the x axis counts examples seen",
        "runs side by side: log10 of the loss (a blow-up stays on the chart)"]
    # a chart shows its tag for every run: with log10 of the epoch loss no raw epoch_loss chart is left
    assert [(c.title, list(c.multiline.tag)) for c in more.category[0].chart] == [
        ("log10 of the loss: train and validation", ["^log10/epoch_loss$"]),
        ("accuracy: train and validation", ["^epoch_accuracy$"])]
    assert [list(c.multiline.tag) for c in more.category[1].chart] == [["^by_examples/batch_loss$"],
                                                                       ["^by_examples/epoch_loss$"]]
    assert [list(c.multiline.tag) for c in more.category[2].chart] == [["^log10/batch_loss$"]]
    (value,) = layout.custom_scalars_summary().value
    assert value.metadata.plugin_data.plugin_name == "custom_scalars"
    from tensorboard.util import tensor_util
    assert layout_pb2.Layout.FromString(tensor_util.make_ndarray(value.tensor).item()) == layout_proto
