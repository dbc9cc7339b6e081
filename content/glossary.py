"""Known terms and their aliases: the vocabulary key points are drawn from.

One entry per line: the canonical phrase first, then aliases (abbreviations, synonyms,
spellings), separated by `|`.
"""

from __future__ import annotations

_ENTRIES = """
neural network|NN|artificial neural network|ANN|neural net
deep learning|DL|deep neural network|DNN
machine learning|ML
artificial intelligence|AI
recurrent neural network|RNN|recurrent network|recurrent
convolutional neural network|CNN|ConvNet|convolutional network
long short-term memory|LSTM
gated recurrent unit|GRU
bidirectional RNN|BiRNN|bidirectional recurrent neural network
generative adversarial network|GAN|adversarial network
variational autoencoder|VAE
autoencoder|auto-encoder|autoencoders
transformer|transformers
self-attention|attention mechanism|attention
BERT|bidirectional encoder representations from transformers
GPT|generative pre-trained transformer
large language model|LLM|language model
multi-layer perceptron|MLP|multilayer perceptron|perceptron
feedforward neural network|FNN|feedforward|feed-forward|forward pass
backpropagation|backprop|back propagation|backward pass
backpropagation through time|BPTT
chain rule|chain rule of calculus
gradient descent|GD
stochastic gradient descent|SGD
mini-batch gradient descent|mini-batch|minibatch|mini batch
batch gradient descent|BGD|full-batch
momentum|SGD with momentum|Nesterov momentum
Adam|adaptive moment estimation
AdamW|decoupled weight decay
RMSProp|root mean square propagation|RMSprop
Adagrad|adaptive gradient|AdaGrad
Adadelta|AdaDelta
learning rate|step size|LR
adaptive learning rate|adaptive learning rates|per-parameter learning rate
learning rate scheduling|learning rate schedule|learning rate decay|LR schedule
loss function|cost function|error function|objective function|loss functions
mean squared error|MSE|squared error|L2 loss
mean absolute error|MAE|absolute error|L1 loss
cross-entropy|cross entropy|log loss|categorical cross-entropy|binary cross-entropy|BCE
hinge loss|hinge
Huber loss|Huber|smooth L1
Kullback-Leibler divergence|KL divergence|KL
negative log likelihood|NLL|log likelihood
activation function|activation|activations
non-linearity|nonlinearity|non-linear|nonlinear
sigmoid|logistic function|logistic|σ
tanh|hyperbolic tangent
ReLU|rectified linear unit|rectifier
leaky ReLU|LeakyReLU|leaky rectified linear unit
parametric ReLU|PReLU
ELU|exponential linear unit
softmax|soft max|normalized exponential
swish|SiLU
dying ReLU|dead neurons|dying neurons
vanishing gradient|vanishing gradients|gradients vanish|gradients become very small
exploding gradient|exploding gradients|gradients explode|very large gradients
gradient clipping|clip the gradients|clipping gradients|clipping
skip connection|skip connections|residual connection|residual connections|shortcuts
residual network|ResNet|ResNets|ResNet50
VGG|VGG16|VGG-16|VGG19
Inception|GoogLeNet|Xception
MobileNet
weight initialization|initialization|initialisation|weight initialisation|initialize weights
Xavier initialization|Xavier|Glorot|Glorot initialization
He initialization|He init|Kaiming
symmetry breaking|break the symmetry|breaking the symmetry|symmetry
batch normalization|batch norm|BatchNorm|BN
layer normalization|layer norm|LayerNorm
internal covariate shift|covariate shift
normalization|normalisation|normalize|normalise|scaling|feature scaling
standardization|standardisation|zero mean
overfitting|over-fitting|overfit|overfits
underfitting|under-fitting|underfit
generalization|generalisation|generalize|generalise|unseen data
regularization|regularisation|regularizer|regularize
L1 regularization|L1|lasso|L1 norm
L2 regularization|L2|ridge|weight decay|L2 norm
dropout|drop out|dropout layer|dropout rate
early stopping|stop training early|stop early
data augmentation|augmentation|augment|image augmentation
cross-validation|cross validation|k-fold|k-fold cross-validation
validation set|validation data|validation dataset|holdout set|hold-out set
test set|test data|testing dataset|holdout test set
training set|training data|training dataset
hyperparameter|hyperparameters|hyper-parameter|hyper-parameters
hyperparameter tuning|hyperparameter optimization|tuning
grid search|GridSearchCV
random search
Bayesian optimization|Bayesian optimisation
parameters|weights and biases|weights|model parameters
bias|biases
batch size|batch sizes
epoch|epochs|pass through the entire dataset|full pass
iteration|iterations|update step
convergence|converge|converges|converging
local minimum|local minima
global minimum|global minima
saddle point|saddle points
Hessian|Hessian matrix|second-order derivatives|second derivatives|curvature
convolutional layer|convolution|convolutional layers|convolutions|conv layer
filter|filters|kernel|kernels
feature map|feature maps|activation map
pooling|pooling layer|max pooling|max-pooling|average pooling|down-sampling|downsampling
padding|zero padding|same padding|valid padding
stride|strides
flatten|flatten layer|flattening|one-dimensional vector|1D vector
fully connected layer|fully connected|dense layer|dense|FC layer
spatial hierarchies|spatial hierarchy|spatial features|spatial relationships|local patterns
parameter sharing|sharing parameters|shared weights|weight sharing
translation invariance|invariant to small translations|translation invariant
receptive field
transfer learning|transfer-learning
pre-trained model|pretrained model|pre-trained|pretrained|pre-trained models
fine-tuning|fine tuning|fine-tune|finetuning|fine tune
feature extraction|feature extractor|extract features|feature learning|learn features
freeze layers|freezing layers|frozen layers|freeze|freezing
domain mismatch|domain shift|different domains
feature engineering|manual feature engineering|hand-crafted features|manual feature extraction
hidden layer|hidden layers
input layer
output layer
neuron|neurons|node|nodes|unit|units
weighted sum|weighted inputs|weighted connections
hidden state|hidden states|internal memory
sequential data|sequences|sequence|time series|sequential
time step|time steps|timestep|timesteps
gates|gate|gating|input gate|forget gate|output gate
memory cell|cell state|memory cells
long-term dependencies|long-range dependencies|long term dependencies
temporal dependencies|temporal dependency|order of inputs
sequence-to-sequence|seq2seq|encoder-decoder
encoder|encoders|encode
decoder|decoders|decode
latent space|latent representation|latent variables|bottleneck|compressed representation
reconstruction error|reconstruction loss|reconstruct
generator
discriminator
adversarial training|adversarial|competitive game|minimax
synthetic data|synthetic samples|fake samples|generate new data
mode collapse
dimensionality reduction|reduce dimensionality|reducing the number of features|PCA
curse of dimensionality
data sparsity|sparse data|sparsity
unsupervised learning|unsupervised|without labels|unlabeled data
supervised learning|supervised|labeled data|labelled data
reinforcement learning|RL
natural language processing|NLP
computer vision|CV|image recognition|image classification
object detection
speech recognition|speech-to-text
machine translation|translation|language translation
sentiment analysis
class imbalance|imbalanced data|imbalanced datasets|unbalanced data|class imbalances
oversampling|over-sampling|SMOTE
undersampling|under-sampling
weighted loss|class weights|weighted loss functions|class weighting
accuracy
precision|positive predictive value
recall|sensitivity|true positive rate|TPR
F1 score|F1|F1-score|harmonic mean
ROC curve|ROC|receiver operating characteristic
AUC|area under the curve|AUC-ROC|ROC-AUC
confusion matrix
true positive|true positives|TP
false positive|false positives|FP
bagging|bootstrap aggregating|bootstrap aggregation
bootstrap sampling|bootstrap|sampling with replacement|with replacement
boosting
AdaBoost|adaptive boosting
gradient boosting|XGBoost|GBM
random forest|random forests
decision tree|decision trees
weak learner|weak learners
ensemble|ensembles|ensemble learning|ensemble methods
majority voting|voting|vote
averaging|averaged|averages
variance
sequential training|sequentially|trained sequentially|one after another
independently|in parallel|parallel
support vector machine|SVM
linear regression
logistic regression
TensorFlow|TF
Keras|tf.keras
PyTorch|Torch
Theano
TensorBoard
TPU|TPUs|tensor processing unit
GPU|GPUs|graphics processing unit
tensor|tensors|multi-dimensional array|multidimensional array|n-dimensional array
computational graph|computation graph|dataflow graph|data flow graph|computational graphs
dynamic computation graph|dynamic graphs|dynamic computation graphs|define-by-run|eager execution
static graph|static computation graph|define-and-run
placeholder|placeholders|tf.placeholder
variable|variables|tf.Variable|mutable
constant|constants|tf.constant|immutable
session|sessions|tf.Session|sess.run
automatic differentiation|autograd|autodiff
callbacks|callback
model checkpointing|checkpoint|checkpoints|checkpointing
deployment|deploy|production|serving
high-level API|high-level APIs|high-level interface|user-friendly API
open-source|open source
Docker|docker
Dockerfile|docker file
base image|FROM instruction
docker build|docker build command|build the image
container|containers
dependencies|install dependencies|packages|requirements
working directory|WORKDIR
expose ports|EXPOSE|expose a port|expose that port
startup command|CMD|ENTRYPOINT|start command
copy files|COPY
image tag|name and tag
LLaMA|Llama|Meta
parameters count|billion parameters|7 to 65 billion
research|researchers
text generation|generate text
flow-based models|normalizing flows|flow-based|invertible transformations
PixelCNN|PixelRNN|autoregressive
Fourier transform|FFT|fast Fourier transform|frequency domain
short-time Fourier transform|STFT
feature learning
probability distribution|probability distributions|probabilities|probability
joint probability distribution|joint distribution|P(X,Y)
multi-class classification|multiclass classification|multi-class|multiclass
binary classification
multi-label classification|multi-label
regression
classification
outliers|outlier
differentiable|convex
squared|squaring|squares
noise|noisy|noisy updates|fluctuations|oscillations|oscillate
stable|stability|stabilize|stabilise|smooth|smoother
memory efficient|memory-efficient|less memory|memory use|memory usage
computational cost|computationally expensive|computationally intensive|computational resources
decay rate|running average|moving average|exponentially decaying average
sum of squared gradients|squared gradients|accumulated squared gradients
first and second moments|first moment|second moment|moments|mean and variance of gradients
bias correction
scale activations|scaling activations|inverted dropout|scale by 1-p|(1-p)
inference|testing|test time|prediction time
mean and standard deviation|mean and variance|standard deviation
feature dimension|across features|each example|per example
batch dimension|across the batch|mini-batch statistics|per batch
sparse model|sparse models|sparse weights|sparse|zero weights|exactly zero
feature selection
penalty|penalize|penalizes|penalized|penalise
large weights|weight magnitude|magnitude of weights|small weights
chatbots|chatbot
recommendation systems|recommender systems|recommendation
healthcare|medical imaging|medical image analysis|disease diagnosis
fraud detection|anomaly detection
autonomous driving|autonomous vehicles|self-driving
image generation|generate images|image synthesis
data preprocessing|preprocessing|pre-processing|data cleaning
encoding categorical features|one-hot encoding|categorical encoding|encoding
train-test split|train test split|splitting the dataset
numerical instability|numerical stability|unstable
learning complex patterns|complex patterns|complex relationships
hierarchical representations|hierarchical features|hierarchy of features|feature hierarchy|abstract
raw data|raw input|raw pixels|raw pixel data
large datasets|large amounts of data|big data|lots of data|more data|large dataset
image compression|compression
denoising|data denoising|remove noise
feature importance
"""


def _parse(entries: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    parsed: list[tuple[str, tuple[str, ...]]] = []
    for line in entries.strip().splitlines():
        text, *aliases = (part.strip() for part in line.split("|"))
        parsed.append((text, tuple(alias for alias in aliases if alias)))
    return tuple(parsed)


GLOSSARY: tuple[tuple[str, tuple[str, ...]], ...] = _parse(_ENTRIES)
